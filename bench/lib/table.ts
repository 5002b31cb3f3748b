/** One line of the report: a figure, its value, the target it is held to, and whether it meets it. */
export interface Row {
  readonly figure: string;
  readonly value: string;
  readonly target: string;
  /** null: measured, no target. */
  readonly met: boolean | null;
}

/** A plain-text table for a terminal or a README code block. */
export function formatTable(rows: readonly Row[]): string {
  const head = { figure: 'FIGURE', value: 'VALUE', target: 'TARGET', status: '' };
  const lines = rows.map((r) => ({ figure: r.figure, value: r.value, target: r.target, status: r.met === null ? '' : r.met ? 'met' : 'MISSED' }));
  const all = [head, ...lines];
  const w = (k: keyof typeof head) => Math.max(...all.map((l) => l[k].length));
  const fmt = (l: typeof head) => `${l.figure.padEnd(w('figure'))}  ${l.value.padEnd(w('value'))}  ${l.target.padEnd(w('target'))}  ${l.status}`.trimEnd();
  return all.map(fmt).join('\n');
}
