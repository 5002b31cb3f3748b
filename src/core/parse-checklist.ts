/**
 * Progress in an issue's task list: training modules and checkpoints are checklists, and their
 * progress is the state Trellis reports (docs/architecture.md#what-it-serves: "its checklist is its progress"). A line-based
 * reading of GitLab Flavored Markdown task lists, good for the descriptions people keep, not a full
 * CommonMark parser: setext headings and task items inside blockquotes are not read.
 */

/** One task-list item. `depth` is 0 for a top-level item, 1 under another list item, and so on. */
export type ChecklistItem = {
  text: string;
  checked: boolean;
  /** False for struck-through, optional-marked and inapplicable (`[~]`) items. */
  required: boolean;
  /** GitLab's `[~]`: not required, never done. */
  inapplicable: boolean;
  depth: number;
  section: string;
  /** 1-based line in the description. */
  line: number;
};

/** A `##` section with items; `done`/`total` count its required items. */
export type ChecklistSection = { title: string; items: ChecklistItem[]; done: number; total: number };

/** Every item, by section, with counts. Optional counts leave out inapplicable items. */
export type Checklist = {
  sections: ChecklistSection[];
  items: ChecklistItem[];
  requiredDone: number;
  requiredTotal: number;
  optionalDone: number;
  optionalTotal: number;
};

const ITEM = /^(\s*)(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ xX~])\](?:[ \t]+(.*))?$/;
const LIST_ITEM = /^(\s*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^\s*(`{3,}|~{3,})(.*)$/;
const STRUCK = /^~~(?:(?!~~).)+~~$/;
// `(optional)` anywhere, `_optional_` / `*optional*` as a word, or an `Optional:` prefix (bold or not).
const OPTIONAL = [/\(optional\)/i, /(?:^|\s)([_*]{1,2})optional\1(?=$|[\s:.,;)])/i, /^([_*]{0,2})optional\1\s*:/i, /^([_*]{2})optional:\1/i];

/** Reads the task list of a Markdown description (CRLF or LF). */
export function parseChecklist(markdown: string): Checklist {
  const items: ChecklistItem[] = [];
  const order: string[] = [];
  let section = '';
  let fence: { char: string; length: number } | null = null;
  let inComment = false;
  // Marker columns of the open list items, innermost last: how deep the next item sits.
  const open: number[] = [];

  markdown.split(/\r\n|\r|\n/).forEach((raw, index) => {
    if (fence) {
      const close = FENCE.exec(raw);
      if (close?.[1]?.[0] === fence.char && close[1].length >= fence.length && close[2]?.trim() === '') fence = null;
      return;
    }
    const stripped = stripComments(raw, inComment);
    inComment = stripped.inComment;
    const line = stripped.text.replace(/\t/g, '    ');
    if (line.trim() === '') return;

    const opening = FENCE.exec(line);
    // A backtick fence's info string cannot hold a backtick, so "```foo```" is inline code.
    if (opening?.[1] && !(opening[1][0] === '`' && opening[2]?.includes('`'))) {
      fence = { char: opening[1][0] ?? '`', length: opening[1].length };
      return;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      open.length = 0;
      if (heading[1] === '##') section = (heading[2] ?? '').trim();
      return;
    }
    const listItem = LIST_ITEM.exec(line);
    if (!listItem) {
      // Text at the left margin ends any list; indented text continues the item above.
      if (!/^\s/.test(line)) open.length = 0;
      return;
    }
    const indent = listItem[1]?.length ?? 0;
    while (open.length > 0 && (open[open.length - 1] ?? 0) >= indent) open.pop();
    const depth = open.length;
    open.push(indent);

    const task = ITEM.exec(line);
    if (!task) return;
    const text = (task[3] ?? '').trim();
    const mark = task[2];
    const inapplicable = mark === '~';
    if (!order.includes(section)) order.push(section);
    items.push({
      text,
      checked: mark === 'x' || mark === 'X',
      required: !inapplicable && !STRUCK.test(text) && !OPTIONAL.some((re) => re.test(text)),
      inapplicable,
      depth,
      section,
      line: index + 1,
    });
  });
  return summarise(items, order);
}

/**
 * A compact summary of progress, per section in order and overall: equal signatures mean no
 * item changed state. Titles are left out so rewording a heading is not taken for progress.
 */
export function checklistSignature(c: Checklist): string {
  const counts = (list: readonly ChecklistItem[]): string => {
    const required = list.filter((i) => i.required);
    const optional = list.filter((i) => !i.required && !i.inapplicable);
    const na = list.length - required.length - optional.length;
    return `${done(required)}/${required.length}+${done(optional)}/${optional.length}~${na}`;
  };
  return [counts(c.items), ...c.sections.map((s) => counts(s.items))].join(';');
}

function summarise(items: ChecklistItem[], order: readonly string[]): Checklist {
  const sections = order.map((title): ChecklistSection => {
    const own = items.filter((i) => i.section === title);
    const required = own.filter((i) => i.required);
    return { title, items: own, done: done(required), total: required.length };
  });
  const required = items.filter((i) => i.required);
  const optional = items.filter((i) => !i.required && !i.inapplicable);
  return {
    sections,
    items,
    requiredDone: done(required),
    requiredTotal: required.length,
    optionalDone: done(optional),
    optionalTotal: optional.length,
  };
}

function done(items: readonly ChecklistItem[]): number {
  return items.filter((i) => i.checked).length;
}

/** `line` without HTML comments, given whether a comment was open at its start. */
function stripComments(line: string, inComment: boolean): { text: string; inComment: boolean } {
  let text = '';
  let rest = line;
  let open = inComment;
  for (;;) {
    if (open) {
      const end = rest.indexOf('-->');
      if (end === -1) return { text, inComment: true };
      rest = rest.slice(end + 3);
      open = false;
    }
    const start = rest.indexOf('<!--');
    if (start === -1) return { text: text + rest, inComment: false };
    text += rest.slice(0, start);
    rest = rest.slice(start + 4);
    open = true;
  }
}
