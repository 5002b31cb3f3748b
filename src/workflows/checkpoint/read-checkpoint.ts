import { parseChecklist } from '../../core/parse-checklist.js';

/**
 * Reading a checkpoint's description back (docs/architecture.md#what-it-serves: "its checklist is its progress"): which focus
 * areas are ticked, which of them reached their target, and the summary of progress. Sections are
 * found by their titles in issue_templates/checkpoint.md, case-insensitively, so people may edit
 * everything else freely.
 */
export interface CheckpointReading {
  /** Focus areas ticked, as a reader sees them (Markdown escapes undone). */
  readonly chosen: readonly string[];
  /** Chosen areas whose "Target reached" under Goals is not ticked. */
  readonly unfinished: readonly string[];
  /** The summary of progress without HTML comments, trimmed; '' when none is written. */
  readonly summary: string;
}

/** The section titles of issue_templates/checkpoint.md that Trellis reads back. */
export const FOCUS_SECTION = 'Focus areas';
export const GOALS_SECTION = 'Goals, targets and ideas';
export const SUMMARY_SECTION = 'Summary of progress';

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^\s*(`{3,}|~{3,})/;

type Heading = { level: number; title: string; line: number };

/** What the description says about focus areas, targets and the summary. */
export function readCheckpoint(description: string): CheckpointReading {
  const lines = description.split(/\r\n|\r|\n/);
  const headings = readHeadings(lines);
  const items = parseChecklist(description).items;
  const chosen = items.filter((i) => same(i.section, FOCUS_SECTION) && i.depth === 0 && i.checked).map((i) => unescapeInline(i.text));
  const reached = new Set(
    items
      .filter((i) => same(i.section, GOALS_SECTION) && i.checked && /^target reached\b/i.test(i.text))
      .map((i) => subsectionAt(headings, i.line))
      .filter((t): t is string => t !== null)
      .map(normalise),
  );
  return {
    chosen,
    unfinished: chosen.filter((area) => !reached.has(normalise(area))),
    summary: sectionText(lines, headings, SUMMARY_SECTION),
  };
}

/** Markdown headings outside code fences, with 1-based line numbers. */
function readHeadings(lines: readonly string[]): Heading[] {
  const out: Heading[] = [];
  let fence: string | null = null;
  lines.forEach((line, index) => {
    const f = FENCE.exec(line);
    if (f?.[1]) {
      if (fence === null) fence = f[1];
      else if (f[1][0] === fence[0] && f[1].length >= fence.length) fence = null;
      return;
    }
    if (fence !== null) return;
    const h = HEADING.exec(line);
    if (h?.[1]) out.push({ level: h[1].length, title: unescapeInline((h[2] ?? '').trim()), line: index + 1 });
  });
  return out;
}

/** The `###` title an item at `line` sits under, or null. */
function subsectionAt(headings: readonly Heading[], line: number): string | null {
  let title: string | null = null;
  for (const h of headings) {
    if (h.line > line) break;
    if (h.level <= 2) title = null;
    if (h.level === 3) title = h.title;
  }
  return title;
}

/** The text of the `##` section called `name`, without comments; '' when absent or empty. */
function sectionText(lines: readonly string[], headings: readonly Heading[], name: string): string {
  const start = headings.find((h) => h.level === 2 && same(h.title, name));
  if (!start) return '';
  const end = headings.find((h) => h.line > start.line && h.level <= 2);
  const body = lines.slice(start.line, end ? end.line - 1 : lines.length).join('\n');
  return body.replace(/<!--[\s\S]*?(?:-->|$)/g, '').trim();
}

function same(a: string, b: string): boolean {
  return normalise(a) === normalise(b);
}

function normalise(s: string): string {
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Text as a reader sees it: undoes what markdown-safety's inline escaping added (backslashes,
 * entities, the joiner after `@`), so text Trellis wrote reads back as the original.
 */
export function unescapeInline(s: string): string {
  return s
    .replace(/\\([\\`*_[\]|~#%!$^{}/+=.)-])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/@\u200D/g, '@');
}
