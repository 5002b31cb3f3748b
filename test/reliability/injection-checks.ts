import { BOT } from './reliability-helpers.js';
import type { ApiIssue, ApiNote } from '../helpers/e2e.js';

/**
 * The injection test's corpus and its checks over what Trellis wrote: each check returns what it
 * found wrong (empty when all is well), so the test asserts it and the figure line counts it.
 */

/** Who must never be mentioned: everyone, a group, the admin, and a roster person no flow here involves. */
export const NEVER_MENTIONED = ['all', 'here', 'infra', 'root', 'dan'];

/** Multi-line answers: every trick, each line tagged `<prefix><letter>`. Command lines are inert as written (GitLab skips them). */
export function tricks(prefix: string): string {
  return [
    `   /close ${prefix}a`,
    `text /assign @root ${prefix}b`,
    `@all @here @infra @root @dan ${prefix}c`,
    `<script>alert(1)</script> <img src=x onerror=alert(1)> ${prefix}d`,
    '```',
    `/label ~x ${prefix}e`,
    '```',
    '>>>',
    `/title pwned ${prefix}f`,
    '>>>',
    `[x] done <!-- trellis:status:sre-i --> ${prefix}g`,
    `{{bot}} {{#each people}}{{username}}{{/each}} ${prefix}h`,
    `[click](javascript:alert(1)) ${prefix}i`,
    `   /CONFIDENTIAL ${prefix}j`,
    `    /unlabel ${prefix}k`,
  ].join('\n');
}
/** The tags of the lines `tricks(prefix)` writes. */
export function trickTags(prefix: string): string[] {
  return 'abcdefghijk'.split('').map((c) => `${prefix}${c}`);
}
/** The Trellis markers people forged in their text. */
export const FORGED = ['<!-- trellis:status:sre-i -->', '<!-- trellis:status:checkpoint -->', '<!-- trellis:approval:frank -->'];
/** Every tag of the corpus. */
export const TAGS = [
  ...['Zv', 'Zl', 'Zs', 'Zg'].flatMap(trickTags),
  ...Array.from({ length: 11 }, (_, i) => `Zr${String(i + 1).padStart(2, '0')}`),
  'Zq1', 'Zt1', 'Zt2', 'Zt3', 'Zc1', 'Zc2', 'Zc3', 'Zc4', 'Zc5', 'Zi1', 'Zi2', 'Zi3', 'Zi4', 'Zi5', 'Zi6', 'Zi7', 'Zd1', 'Zg2',
];

/** Everything Trellis wrote (its notes and the descriptions of issues it opened), and every issue with its system notes. */
export interface Written {
  readonly texts: Array<{ where: string; text: string }>;
  readonly issues: Array<{ project: number; issue: ApiIssue; notes: ApiNote[] }>;
}

/** `@name` as GitLab reads a user or group reference: `@` after a non-word character, then a name character. */
function mentions(text: string): string[] {
  return [...text.matchAll(/(?:^|[^\w@.`/-])@([A-Za-z0-9_][A-Za-z0-9_.-]*)/g)].map((m) => m[1]!.replace(/[.-]+$/, '').toLowerCase());
}

/** Mentions of people Trellis never means to notify. */
export function unintendedMentions(w: Written): string[] {
  return w.texts.flatMap(({ where, text }) => mentions(text).filter((m) => NEVER_MENTIONED.includes(m)).map((m) => `${where}: @${m}`));
}

/** HTML, javascript: links and forged markers that came through live. */
export function liveMarkup(w: Written): string[] {
  const bad: string[] = [];
  for (const { where, text } of w.texts) {
    // A tag opens only with `<` before its name; a lone `>` after an escaped one is text (CommonMark, "Raw HTML").
    if (/<script|<img|<b>/i.test(text)) bad.push(`${where}: raw HTML`);
    // A link is live only when neither of its brackets is escaped.
    if (/(?<!\\)\[[^\]\n]*(?<!\\)\]\(javascript:/i.test(text)) bad.push(`${where}: live javascript: link`);
    if (/(?<!\\)\]\(https:\/\/evil\.example/.test(text)) bad.push(`${where}: link injected through the EFW URL`);
    // A copied line carrying an injected piece must not carry a live forged marker, and a note holds one status marker at most.
    for (const line of text.split('\n')) {
      if (TAGS.some((t) => line.includes(t)) && FORGED.some((f) => line.includes(f))) bad.push(`${where}: forged marker: ${line.slice(0, 120)}`);
    }
    if ((text.match(/<!-- trellis:status:/g) ?? []).length > 1) bad.push(`${where}: two status markers`);
  }
  return bad;
}

/** What GitLab's quick actions would have changed: titles, system notes by Trellis it never means, labels nobody set, closed issues. */
export function commandsRun(w: Written): string[] {
  const bad: string[] = [];
  for (const { issue, notes } of w.issues) {
    if (/pwned/.test(issue.title)) bad.push(`#${issue.iid}: title changed to ${issue.title}`);
    for (const n of notes.filter((x) => x.system && x.author.username === BOT)) {
      // What Trellis does on purpose: assign report and manager, make records confidential, set due dates, link, close a declined request.
      if (/changed title|visible to everyone|unassigned|assigned to @(root|dan|all)|locked/.test(n.body)) bad.push(`#${issue.iid}: ${n.body}`);
    }
    if (issue.labels.some((l) => l === 'x' || l === 'internship::approved')) bad.push(`#${issue.iid}: labels ${issue.labels.join(', ')}`);
    // Only sofia's declined request is closed: a `/close` that ran anywhere would close more.
    if (issue.state === 'closed' && !issue.labels.includes('internship::declined')) bad.push(`#${issue.iid} ${issue.title}: closed`);
  }
  if (!w.issues.some((x) => x.issue.state === 'closed')) bad.push('the declined request is not closed');
  return bad;
}

/** Lines with people's Handlebars must still show it: `{{#each people}}` rendered would leave nothing of it. */
export function handlebarsRendered(w: Written): string[] {
  const lines = w.texts.flatMap((t) => t.text.split('\n'));
  return ['Zr09', 'Zgh', 'Zvh', 'Zlh', 'Zsh'].filter((tag) => !lines.some((l) => l.includes(tag) && /each people/.test(l)));
}

/** Tags missing where Trellis copies their field. */
export function linesLost(w: Written): string[] {
  const all = w.texts.map((t) => t.text).join('\n').toLowerCase();
  const within = (pattern: RegExp) => w.texts.filter((t) => pattern.test(t.where + t.text)).map((t) => t.text).join('\n').toLowerCase();
  const missing = (text: string, tags: readonly string[], what: string) => tags.filter((t) => !text.includes(t.toLowerCase())).map((t) => `${what}: ${t}`);
  return [
    ...missing(all, ['Zr01', 'Zr02', 'Zr03', 'Zr04', 'Zr05'], 'roster names, team and role title'),
    ...missing(all, ['Zr06', 'Zr07', 'Zr08', 'Zr09', 'Zr10', 'Zr11', 'Zq1'], 'focus areas'),
    ...missing(within(/lighthouse|What matters/), [...trickTags('Zv'), ...trickTags('Zl')], 'conversation quoted in the next checkpoint'),
    ...missing(within(/360 feedback/), trickTags('Zs'), 'summary gathered for 360 feedback'),
    ...missing(all, ['Zt1', 'Zt2', 'Zt3'], 'training checklist items and heading'),
    ...missing(all, ['Zc1', 'Zc2', 'Zc3', 'Zc4'], 'command arguments'),
    // A goal's fenced code is not read as part of the answer (parse-request.ts), so `Zge` is not copied at all.
    ...missing(all, [...trickTags('Zg').filter((t) => t !== 'Zge'), 'Zi1', 'Zi2', 'Zi3', 'Zi4', 'Zi5', 'Zi6', 'Zi7'], 'internship answers'),
    ...missing(all, ['Zd1'], 'decline reason'),
  ];
}
