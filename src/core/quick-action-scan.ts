/**
 * Where GitLab would find quick actions in a text: its extractor (lib/gitlab/quick_actions/extractor.rb)
 * redone as a linear scan. GitLab applies one regular expression whose alternatives, tried in order at
 * each line start, are: a ``` block, a strange multi-line "inline code" region, an HTML block, a `>>>`
 * quote, and a command line. A region swallows the commands inside it. Following the same regions in
 * the same order means a command counted as hidden here is hidden in GitLab too; a plain "skip code
 * fences" rule would be fooled by the inline-code region. The expression itself backtracks badly on
 * long texts, hence the scan.
 *
 * Deliberate widenings make it find more, never fewer, commands than GitLab: any word counts as a
 * command name (GitLab adds commands and aliases over time), spaces may precede the `/`, and a
 * command on the last line may end in whitespace (GitLab wants a newline after it then, which a
 * trimmed body would lose).
 */

/** A command line: `/word`, then nothing, whitespace, or a space and arguments. */
const COMMAND_LINE = /^([ \t]*)\/\w+(?:[ ].*|\s*)$/;

interface Scan {
  readonly text: string;
  /** Positions of `\n` starting a line that is exactly ``` (closes a code region). */
  readonly codeCloses: readonly number[];
  /** Positions of `\n` starting a line that is exactly `>>>`. */
  readonly quoteCloses: readonly number[];
  /** Positions of `\n</` that close an HTML region; the region then ends at `htmlCloseEnds.get(at)`. */
  readonly htmlCloses: readonly number[];
  readonly htmlCloseEnds: ReadonlyMap<number, number>;
  readonly backticks: readonly number[];
  /** The last backtick that ends a line, or -1. */
  readonly lastLineEndBacktick: number;
  /** For each position, the first `>` at or after it, or -1. */
  readonly nextGt: Int32Array;
}

/**
 * Offsets of the `/` of every quick action GitLab would run in `text`. GitLab deletes carriage
 * returns before looking, so pass text without them.
 */
export function quickActionOffsets(text: string): number[] {
  const scan = prepare(text);
  const found: number[] = [];
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const lineEnd = newline === -1 ? text.length : newline;
    const regionEnd = regionAt(scan, start);
    if (regionEnd !== null) {
      start = regionEnd + 1;
      continue;
    }
    const command = COMMAND_LINE.exec(text.slice(start, lineEnd));
    if (command) found.push(start + (command[1]?.length ?? 0));
    start = lineEnd + 1;
  }
  return found;
}

/** Where the region starting at line start `s` ends (a line end), or null when none starts there. */
function regionAt(scan: Scan, s: number): number | null {
  const { text } = scan;
  // ^```.+?\n```$ : at least one character, then the first line that is exactly ```.
  if (text.startsWith('```', s)) {
    const close = firstAtLeast(scan.codeCloses, s + 4);
    if (close !== undefined) return close + 4;
  }
  // ^.*`\n*.+?\n*`$ with `.` matching newlines: greedy then lazy, so whenever a backtick at or after
  // `s` lies at least two characters before the text's last line-ending backtick, the region runs to
  // that last backtick.
  const backtick = firstAtLeast(scan.backticks, s);
  if (backtick !== undefined && backtick <= scan.lastLineEndBacktick - 2) return scan.lastLineEndBacktick + 1;
  // ^<[^>]+?>\n.+?\n<\/[^>]+?>$
  if (text[s] === '<') {
    const gt = scan.nextGt[s + 1] ?? -1;
    if (gt >= s + 2 && text[gt + 1] === '\n') {
      const close = firstAtLeast(scan.htmlCloses, gt + 3);
      if (close !== undefined) return scan.htmlCloseEnds.get(close) ?? null;
    }
  }
  // ^>>>.+?\n>>>$
  if (text.startsWith('>>>', s)) {
    const close = firstAtLeast(scan.quoteCloses, s + 4);
    if (close !== undefined) return close + 4;
  }
  return null;
}

function prepare(text: string): Scan {
  const codeCloses: number[] = [];
  const quoteCloses: number[] = [];
  const htmlCloses: number[] = [];
  const htmlCloseEnds = new Map<number, number>();
  const backticks: number[] = [];
  let lastLineEndBacktick = -1;
  const nextGt = new Int32Array(text.length + 2).fill(-1);
  for (let i = text.length - 1; i >= 0; i--) nextGt[i] = text[i] === '>' ? i : (nextGt[i + 1] ?? -1);
  const lineEnd = (i: number): boolean => i === text.length || text[i] === '\n';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '`') {
      backticks.push(i);
      if (lineEnd(i + 1)) lastLineEndBacktick = i;
    } else if (ch === '\n') {
      if (text.startsWith('```', i + 1) && lineEnd(i + 4)) codeCloses.push(i);
      if (text.startsWith('>>>', i + 1) && lineEnd(i + 4)) quoteCloses.push(i);
      if (text.startsWith('</', i + 1)) {
        const gt = nextGt[i + 3] ?? -1;
        if (gt >= i + 4 && lineEnd(gt + 1)) {
          htmlCloses.push(i);
          htmlCloseEnds.set(i, gt + 1);
        }
      }
    }
  }
  return { text, codeCloses, quoteCloses, htmlCloses, htmlCloseEnds, backticks, lastLineEndBacktick, nextGt };
}

/** The first element of an ascending list that is >= `min`. */
function firstAtLeast(sorted: readonly number[], min: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? Infinity) < min) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}
