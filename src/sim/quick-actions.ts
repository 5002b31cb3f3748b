/**
 * Extraction of quick actions from Markdown, after lib/gitlab/quick_actions/extractor.rb: a command
 * is a line starting with `/name`, case-insensitive; fenced code, HTML blocks and `>>>` quotes are
 * matched first and left alone, so commands inside them never run. `> /close` and `` `/close` ``
 * do not start with `/` and so never match either. Every known command is removed from the text,
 * whether or not the writer may run it (GitLab strips first and checks permissions after).
 */

/** One command found in a text. */
export interface QuickCommand {
  name: string;
  arg: string;
}

/** Commands the simulator executes. */
export const EXECUTED_COMMANDS = [
  'close', 'reopen', 'title', 'label', 'labels', 'unlabel', 'remove_label', 'relabel', 'assign', 'unassign',
  'confidential', 'due', 'remove_due_date',
] as const;

/** Commands GitLab knows (and strips from the text) that the simulator accepts without effect. */
const IGNORED_COMMANDS = [
  'award', 'react', 'todo', 'done', 'subscribe', 'unsubscribe', 'lock', 'unlock', 'milestone', 'remove_milestone',
  'estimate', 'estimate_time', 'remove_estimate', 'remove_time_estimate', 'spend', 'spent', 'spend_time', 'remove_time_spent',
  'weight', 'clear_weight', 'epic', 'remove_epic', 'move', 'clone', 'duplicate', 'copy_metadata', 'create_merge_request',
  'promote', 'iteration', 'remove_iteration', 'health_status', 'clear_health_status', 'severity', 'cc', 'page',
];

const ALL = [...EXECUTED_COMMANDS, ...IGNORED_COMMANDS].sort((a, b) => b.length - a.length);

const COMMANDS_RE = new RegExp(
  [
    '(?<code>^```.+?\\n```$)',
    '(?<html>^<[^>]+?>\\n.+?\\n<\\/[^>]+?>$)',
    '(?<quote>^>>>.+?\\n>>>$)',
    `(?:^\\/(?<cmd>${ALL.join('|')})(?:[ ](?<arg>[^\\n]*))?(?:\\s*\\n|$))`,
  ].join('|'),
  'gims',
);

/** The text without its command lines (right-trimmed, as GitLab saves it) and the commands in order. */
export function extractCommands(text: string): { content: string; commands: QuickCommand[] } {
  const commands: QuickCommand[] = [];
  const content = text.replace(/\r/g, '').replace(COMMANDS_RE, (whole: string, ...rest: unknown[]) => {
    const groups = rest[rest.length - 1] as Record<string, string | undefined>;
    if (groups.cmd === undefined) return whole;
    commands.push({ name: groups.cmd.toLowerCase(), arg: (groups.arg ?? '').trim() });
    return '';
  });
  return { content: content.replace(/\s+$/, ''), commands };
}

/** Label references in a command argument: `~name`, `~"two words"`, `~12`, or bare names without any tilde. */
export function parseLabelRefs(arg: string): Array<{ id?: number; title?: string }> {
  const refs: Array<{ id?: number; title?: string }> = [];
  if (!arg.includes('~')) {
    for (const part of arg.split(/[,\s]+/)) if (part !== '') refs.push({ title: part });
    return refs;
  }
  const re = /~(?:"([^"]+)"|(\d+)(?![\w:])|([^\s~"]+))/g;
  for (const m of arg.matchAll(re)) {
    if (m[1] !== undefined) refs.push({ title: m[1] });
    else if (m[2] !== undefined) refs.push({ id: Number(m[2]), title: m[2] });
    else if (m[3] !== undefined) refs.push({ title: m[3].replace(/[.,;]+$/, '') });
  }
  return refs;
}

/** Usernames in an argument (`@alice @bob`, `me`). */
export function parseUserRefs(arg: string): string[] {
  const out: string[] = [];
  for (const part of arg.split(/[,\s]+/)) {
    if (part === '') continue;
    if (part.toLowerCase() === 'me') out.push('me');
    else if (part.startsWith('@')) out.push(part.slice(1));
    else out.push(part);
  }
  return out;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** A due date argument (`2024-12-31`, `tomorrow`, `in 2 weeks`, `December 31`), as Chronic mostly reads it. */
export function parseDueDate(arg: string, now: Date): string | null {
  const text = arg.trim().toLowerCase();
  const day = 86_400_000;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Number.isNaN(Date.parse(text)) ? null : text;
  if (text === 'today') return iso(today);
  if (text === 'tomorrow') return iso(today + day);
  if (text === 'yesterday') return iso(today - day);
  if (text === 'next week') return iso(today + 7 * day);
  const rel = /^in (\d+) (day|week|month)s?$/.exec(text) ?? /^(\d+) (day|week|month)s? from now$/.exec(text);
  if (rel) {
    const n = Number(rel[1]);
    if (rel[2] === 'month') {
      const d = new Date(today);
      d.setUTCMonth(d.getUTCMonth() + n);
      return iso(d.getTime());
    }
    return iso(today + n * (rel[2] === 'week' ? 7 : 1) * day);
  }
  const md = /^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?$/.exec(text);
  if (md) {
    const month = MONTHS.findIndex((m) => m.startsWith(md[1] ?? '-') && (md[1] ?? '').length >= 3);
    if (month >= 0) {
      let year = md[3] ? Number(md[3]) : now.getUTCFullYear();
      let ms = Date.UTC(year, month, Number(md[2]));
      if (!md[3] && ms < today) ms = Date.UTC((year += 1), month, Number(md[2]));
      return iso(ms);
    }
  }
  return null;
}

/** `December 31, 2024`, the long date form system notes and messages use. */
export function longDate(isoDay: string): string {
  const [y, m, d] = isoDay.split('-').map(Number);
  const name = MONTHS[(m ?? 1) - 1] ?? '';
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} ${d}, ${y}`;
}
