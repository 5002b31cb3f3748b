import { quickActionOffsets } from './quick-action-scan.js';

/**
 * Making text people wrote safe to copy into what Trellis writes on GitLab (docs/architecture.md#principles, principle 9):
 * whatever it contains, it must never run a quick action, mention anyone, inject HTML or break out of
 * Trellis's own Markdown. See docs/gitlab/facts.md#quick-actions-and-mentions.
 */

/** Placed after `@`: GitLab's user reference pattern needs a username character right after `@`. */
const ZWJ = '\u200D';
/** Placed before a quick action's `/`, so the line no longer starts with `/`; invisible when rendered. */
const ZWSP = '\u200B';

// Only what GitLab's Markdown would act on is escaped, so the text reads the same in the source as
// rendered (docs/gitlab/markdown.md): a `#` is a reference only before a digit, `_` emphasises only at
// a word's edge, `<` opens HTML only before a letter, `/`, `!` or `?`, and so on. Each entry is a
// pattern and what replaces the character it finds; backslash escapes render as the bare character
// (CommonMark 0.31, "Backslash escapes"), entities as the character they name.
const INLINE_RULES: ReadonlyArray<readonly [RegExp, (ch: string) => string]> = [
  // A backslash before punctuation or at the end would escape or break; elsewhere it is literal.
  [/\\(?=[!-/:-@[-`{-~]|$)/g, () => '\\\\'],
  // HTML, comments (a forged Trellis marker), autolinks; entities (`&#64;` would become a mention).
  [/&(?=#?[A-Za-z0-9]+;)/g, () => '&amp;'],
  [/<(?=[A-Za-z/!?])/g, () => '&lt;'],
  // A mention is `@` after no word character and before a username character (GitLab's
  // User.reference_pattern, `(?<!\w)@`): a zero-width joiner after it breaks one; `bob@example.com` is none.
  [/(?<![A-Za-z0-9_])@(?=[A-Za-z0-9_])/g, () => `@${ZWJ}`],
  // Code spans, emphasis (`*` anywhere it touches a word, `_` at a word's edge), links, table cells.
  [/[`[\]|]/g, (ch) => `\\${ch}`],
  [/\*(?!\s)|(?<!\s)\*/g, (ch) => `\\${ch}`],
  [/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (ch) => `\\${ch}`],
  // GitLab references (issue #1, MR !1, snippet $1, epic &1, label ~x, milestone %x), strikethrough
  // `~~`, inline diffs `{+ +}` / `{- -}`, math `$...$`.
  [/[#!&](?=\d)|~(?=[\w"'~])|%(?=[\w"'])|\$(?=\S)|!(?=\[)|\{(?=[+-])|(?<=[+-])\}/g, (ch) => `\\${ch}`],
];
// C0/C1 controls (tab and newlines are handled before this) and bidi overrides ("Trojan Source").
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const NEWLINES = /\r\n|[\r\n\u0085\u2028\u2029]/;
const MARK = /^\p{M}$/u;

/**
 * User text for one line of Trellis's Markdown (a name, a reason, a table cell): shown literally,
 * on one line, never a mention, reference, HTML or quick action. Truncated with `…` to `maxLength`
 * characters (graphemes, counted before escaping) when given. Do not put the result inside a code span.
 */
export function inlineText(s: string, maxLength?: number): string {
  if (maxLength !== undefined && !(Number.isInteger(maxLength) && maxLength >= 1)) {
    throw new RangeError(`maxLength must be a positive integer, got ${maxLength}`);
  }
  const oneLine = s.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
  return escapeLine(truncate(oneLine, maxLength));
}

/**
 * Multi-line user text as a Markdown blockquote whose lines show literally, line breaks and
 * indentation kept. Every line starts with `>`, so nothing in it can be a quick action, and the
 * text inside is escaped as by {@link inlineText}, so no mention, HTML or fence survives.
 * Returns '' for blank text. Surround the result with blank lines in a template.
 */
export function quoteBlock(s: string): string {
  const lines = s
    .split(NEWLINES)
    .map((line) => line.replace(/\t/g, '    ').replace(INVISIBLE, '').trimEnd());
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (line === '') {
      if (out[out.length - 1] !== '>') out.push('>');
      return;
    }
    const indent = line.length - line.trimStart().length;
    // No-break spaces keep the indentation visible without making an indented code block or list.
    const text = '\u00A0'.repeat(indent) + escapeLine(line.trimStart());
    // A trailing backslash is a hard line break: the reader sees the lines as written.
    const next = lines[i + 1];
    out.push(`> ${text}${next !== undefined && next !== '' ? '\\' : ''}`);
  });
  return out.join('\n');
}

/**
 * A deliberate mention by Trellis: `@username`. Throws RangeError for anything that is not a
 * GitLab username (or is `all` / `here`, which would notify everyone), so no text reaches this path.
 */
export function mention(username: string): string {
  const name = username.startsWith('@') ? username.slice(1) : username;
  const problem = usernameProblem(name);
  if (problem) throw new RangeError(`cannot mention ${JSON.stringify(username)}: ${problem}`);
  return `@${name}`;
}

/** Why `name` is not a GitLab username Trellis may use, or null when it is one. */
export function usernameProblem(name: string): string | null {
  if (name.length === 0) return 'a username cannot be empty';
  if (name.length > 255) return 'a GitLab username has at most 255 characters';
  // GitLab's rule (lib/gitlab/path_regex.rb, namespace_format_message).
  if (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(name) || /(\.|\.git|\.atom)$/i.test(name)) {
    return "a GitLab username contains only letters, digits, '_', '-' and '.', and cannot start with '-' or end in '.', '.git' or '.atom'";
  }
  if (/^(all|here)$/i.test(name)) return `@${name} would notify everyone`;
  return null;
}

/** True when `name` is a GitLab username Trellis may mention. */
export function isGitLabUsername(name: string): boolean {
  return usernameProblem(name) === null;
}

/**
 * True when GitLab would run a quick action in `text`: a line starting with `/word` outside the
 * regions GitLab skips (see quick-action-scan.ts). Note that GitLab skips ``` fences but not `~~~`
 * ones, and only `>>>` quotes among blockquotes (a `> /close` line is safe because it starts with `>`).
 */
export function containsQuickAction(text: string): boolean {
  return quickActionOffsets(text.replace(/\r/g, '')).length > 0;
}

/**
 * `text` with every quick action made inert by a zero-width space before its `/` (invisible when
 * rendered). Returns `text` unchanged when it holds none; otherwise carriage returns are dropped,
 * as GitLab drops them.
 */
export function neutraliseQuickActions(text: string): string {
  const clean = text.replace(/\r/g, '');
  const offsets = quickActionOffsets(clean);
  if (offsets.length === 0) return text;
  let out = '';
  let from = 0;
  for (const at of offsets) {
    out += `${clean.slice(from, at)}${ZWSP}`;
    from = at;
  }
  return out + clean.slice(from);
}

/**
 * A whole Markdown text a person wrote, copied by Trellis with its structure (headings, checklists)
 * intact, but inert: quick actions neutralised, and every `@name` broken by a zero-width joiner so
 * copying it pings nobody a second time (GitLab notifies mentions in text the API creates).
 */
export function inertMarkdown(text: string): string {
  return neutraliseQuickActions(text).replace(/(^|[^\w`/])@(?=[A-Za-z0-9_])/g, `$1@${ZWJ}`);
}

function escapeLine(line: string): string {
  let escaped = line;
  for (const [pattern, replace] of INLINE_RULES) escaped = escaped.replace(pattern, replace);
  // What would start a quick action, list, heading, quote or setext underline if it began a line.
  return escaped
    .replace(/^([/+=-]|#+(?=\s|$))/, '\\$1')
    .replace(/^>/, '&gt;')
    .replace(/^(\d{1,9})([.)])/, '$1\\$2');
}

function truncate(s: string, maxLength: number | undefined): string {
  // UTF-16 length is never below the number of visible characters.
  if (maxLength === undefined || s.length <= maxLength) return s;
  const visible = firstCharacters(s, maxLength + 1);
  if (visible.length <= maxLength) return s;
  return `${visible.slice(0, maxLength - 1).join('').trimEnd()}…`;
}

/**
 * The first `count` visible characters of `s`: a simplified grapheme segmentation that never splits
 * a surrogate pair, an accent from its letter or an emoji sequence. (Node 20's Intl.Segmenter takes
 * quadratic time, which a long text would turn into a stall.)
 */
function firstCharacters(s: string, count: number): string[] {
  const out: string[] = [];
  let joinNext = false;
  let flags = 0;
  for (const cp of s) {
    const code = cp.codePointAt(0) ?? 0;
    const flag = code >= 0x1f1e6 && code <= 0x1f1ff;
    const joins = out.length > 0 && (joinNext || extendsPrevious(cp, code) || (flag && flags % 2 === 1));
    if (!joins && out.length === count) break;
    if (joins) out[out.length - 1] += cp;
    else out.push(cp);
    joinNext = code === 0x200d;
    flags = flag ? flags + 1 : 0;
  }
  return out;
}

/** Combining marks, the zero-width joiner, variation selectors, skin tones and emoji tags join the character before them. */
function extendsPrevious(cp: string, code: number): boolean {
  return (
    MARK.test(cp) ||
    code === 0x200d ||
    (code >= 0xfe00 && code <= 0xfe0f) ||
    (code >= 0x1f3fb && code <= 0x1f3ff) ||
    (code >= 0xe0020 && code <= 0xe007f) ||
    (code >= 0xe0100 && code <= 0xe01ef)
  );
}
