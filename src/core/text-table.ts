/**
 * A plain-text table for the command line: a header row, then one row per item, columns padded to
 * their widest cell and two spaces apart; the last column is not padded, and no line ends in spaces.
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}
