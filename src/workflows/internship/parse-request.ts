/**
 * Reading an internship request the way people actually fill in templates: answers after a colon
 * (`- **Manager:** @carol`, `Manager: carol`), in a table row, or under a heading of their own; hint
 * comments left in or deleted; sections missing, renamed a little or reordered; ticks in any case.
 * This file only reads what was written. Whether it is right (a real manager, a real time zone) is
 * check-request.ts's job.
 */

/** The answers of a request as written (strings trimmed, '' when absent). */
export interface RequestAnswers {
  readonly team: string;
  readonly role: string;
  readonly manager: string;
  readonly timezone: string;
  readonly start: string;
  readonly length: string;
  readonly share: string;
  /** What the person wants to learn, lines kept. */
  readonly goal: string;
  readonly ways: { readonly pairing: boolean; readonly onCall: boolean; readonly delivery: boolean };
  /** What the pairing line says after its colon (an issue, an OKR). */
  readonly pairingTopic: string;
  readonly systems: readonly string[];
  /** An on-call buddy the person asks for, as written. */
  readonly buddy: string;
  /** What the person says about the training modules (Trellis reports what their module issues say). */
  readonly saysDone: { readonly 'sre-i': boolean; readonly 'sre-ii': boolean };
}

type Field = 'team' | 'role' | 'manager' | 'timezone' | 'start' | 'length' | 'share' | 'goal' | 'buddy' | 'systems';

// Labels are compared after lowercasing and dropping emphasis, parentheses and a leading "your"/"current"/"proposed".
const FIELDS: ReadonlyArray<readonly [Field, RegExp]> = [
  ['buddy', /^(?:on-?call )?(?:buddy|shadow buddy)$/],
  ['manager', /^(?:manager|line manager|people manager|approver|approving manager)$/],
  ['timezone', /^(?:time ?zone|tz|location and time ?zone)$/],
  ['start', /^(?:start|start date|starting|starting date|start on)$/],
  ['length', /^(?:length|duration|how long|internship length|length of (?:the )?internship)$/],
  ['share', /^(?:share|share of (?:my |your )?time|time share|time commitment|time|percentage of time|time spent)$/],
  ['team', /^(?:team|group|department)$/],
  ['role', /^(?:role|job title|title|position|job)$/],
  ['goal', /^(?:learning goals?|goals?|what (?:i|you) want to learn|i want to learn|to learn)$/],
  ['systems', /^(?:systems|access|access needed|systems (?:i|you) (?:will )?need(?: access to)?|access to)$/],
];

const HEADING = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const BOLD_HEADING = /^\s*(?:\*\*|__)([^*_]+?)(?:\*\*|__)\s*:?\s*$/;
const BULLET = /^\s*(?:[-*+]|\d{1,9}[.)])(?:\s+|$)/;
const CHECKBOX = /^\s*(?:[-*+]|\d{1,9}[.)])\s+\[([ xX])\]\s*(.*)$/;
const FENCE = /^\s*(`{3,}|~{3,})/;
const GOAL_HEADING = /(?:want|like|hope|wish) to learn|learning (?:goals?|objectives?)|^goals?\b|^what\b.*\blearn/i;

/** The answers of a request's description. */
export function parseRequest(description: string): RequestAnswers {
  const lines = readableLines(description);
  const fields = new Map<Field, string>();
  const setOnce = (field: Field, value: string) => {
    if (value !== '' && !fields.has(field)) fields.set(field, value);
  };
  const sections: Array<{ title: string; lines: string[] }> = [{ title: '', lines: [] }];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heading = HEADING.exec(line)?.[1] ?? BOLD_HEADING.exec(line)?.[1];
    if (heading !== undefined) {
      sections.push({ title: heading.trim(), lines: [] });
      continue;
    }
    sections[sections.length - 1]?.lines.push(line);
    const pair = fieldOf(line);
    if (!pair) continue;
    // "Manager:" on a line of its own, the answer on the next: take the next line unless it is another field or heading.
    const next = lines[i + 1] ?? '';
    const value = pair.value !== '' ? pair.value : next.trim() !== '' && !fieldOf(next) && !HEADING.test(next) && !CHECKBOX.test(next) ? clean(next) : '';
    setOnce(pair.field, value);
  }
  // A heading that is itself a field ("### Manager"): its first line is the answer.
  for (const s of sections) {
    const field = fieldNamed(s.title);
    if (field && field !== 'goal' && field !== 'systems') setOnce(field, clean(s.lines.find((l) => clean(l) !== '' && !CHECKBOX.test(l)) ?? ''));
  }
  // Not just /learn/: the template's own title says "learning with Reliability Engineering".
  const goalSection = sections.find((s) => GOAL_HEADING.test(s.title));
  const goal = fields.get('goal') ?? (goalSection ? proseOf(goalSection.lines) : '');
  const waysSection = sections.find((s) => /ways? (?:of|to) work|how (?:you|i) (?:want|would like|like) to work|working/i.test(s.title));
  const systemsSection = sections.find((s) => /access|systems/i.test(s.title));
  return {
    team: fields.get('team') ?? '',
    role: fields.get('role') ?? '',
    manager: fields.get('manager') ?? '',
    timezone: fields.get('timezone') ?? '',
    start: fields.get('start') ?? '',
    length: fields.get('length') ?? '',
    share: fields.get('share') ?? '',
    goal,
    ...waysOf(lines, waysSection?.lines ?? []),
    systems: systemsOf(fields.get('systems'), systemsSection?.lines ?? []),
    buddy: fields.get('buddy') ?? '',
    saysDone: { 'sre-i': ticked(lines, /\bSRE[\s-]*I\b(?![\s-]*I)/i), 'sre-ii': ticked(lines, /\bSRE[\s-]*II\b/i) },
  };
}

/** Lines without HTML comments (the template's hints and Trellis's marker) and without fenced code. */
function readableLines(description: string): string[] {
  const text = description.replace(/\r\n?/g, '\n').replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const f = FENCE.exec(line)?.[1];
    if (f) {
      if (fence === null) fence = f;
      else if (f[0] === fence[0] && f.length >= fence.length) fence = null;
      continue;
    }
    if (fence === null) out.push(line);
  }
  return out;
}

/** `label: value` (bulleted, bold, or a table row `| label | value |`) as a known field. */
function fieldOf(line: string): { field: Field; value: string } | null {
  const row = /^\s*\|([^|]+)\|([^|]*)\|?\s*$/.exec(line);
  const colon = /^\s*(?:(?:[-*+]|\d{1,9}[.)])\s+)?(?:\[[ xX]\]\s+)?([^:：]{1,60}?)\s*[:：]\s*(.*)$/.exec(line);
  const found = row ?? colon;
  if (!found) return null;
  const field = fieldNamed(found[1] ?? '');
  return field ? { field, value: clean(found[2] ?? '') } : null;
}

function fieldNamed(label: string): Field | null {
  const key = label
    .toLowerCase()
    .replace(/[*_`]/g, '')
    .replace(/\([^)]*\)/g, '')
    .replace(/[?:：]+$/, '')
    .replace(/^(?:your|my|current|proposed|the)\s+/g, '')
    .replace(/^(?:your|my|current|proposed|the)\s+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return FIELDS.find(([, re]) => re.test(key))?.[0] ?? null;
}

/** A value without emphasis marks, surrounding spaces, or a bare `@`/`-` left from the template. */
function clean(value: string): string {
  const v = value
    .replace(/^(?:\*\*|__)|(?:\*\*|__)$/g, '')
    .replace(/^\s*(?:[-*+]\s+)?/, '')
    .trim();
  return /^(?:@|-|–|—|_+|n\/a|tbd|\?)?$/i.test(v) ? '' : v;
}

/** The free text of a section: its lines, hint-only and empty bullets dropped. */
function proseOf(lines: readonly string[]): string {
  const kept = lines.map((l) => l.trimEnd()).filter((l) => !/^\s*(?:[-*+]|\d{1,9}[.)])\s*$/.test(l));
  return kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

function waysOf(all: readonly string[], section: readonly string[]): Pick<RequestAnswers, 'ways' | 'pairingTopic'> {
  const ways = { pairing: false, onCall: false, delivery: false };
  let pairingTopic = '';
  const inSection = new Set(section);
  for (const line of all) {
    const box = CHECKBOX.exec(line);
    // In the ways section a plain bullet also counts (people delete the lines they do not want);
    // elsewhere only a ticked box does, so a goal like "- learn about on-call" chooses nothing.
    const chosen = box ? box[1] !== ' ' : inSection.has(line) && BULLET.test(line);
    if (!chosen) continue;
    const text = (box ? (box[2] ?? '') : line.replace(BULLET, '')).trim();
    const way = wayOf(text);
    if (!way) continue;
    ways[way] = true;
    if (way === 'pairing' && pairingTopic === '') pairingTopic = clean(text.slice(text.search(/[:：]/) + 1 || text.length));
  }
  return { ways, pairingTopic };
}

function wayOf(text: string): 'pairing' | 'onCall' | 'delivery' | null {
  if (/on[\s-]?call/i.test(text)) return 'onCall';
  if (/^\W*pair/i.test(text)) return 'pairing';
  if (/deliver|release/i.test(text)) return 'delivery';
  if (/\bpair/i.test(text)) return 'pairing';
  return null;
}

function systemsOf(field: string | undefined, section: readonly string[]): string[] {
  const raw = field !== undefined ? field.split(/[,;]/) : section.filter((l) => !CHECKBOX.test(l)).map((l) => l.replace(BULLET, ''));
  const items = raw.map((s) => clean(s)).filter((s) => s !== '' && !/^(?:none|nothing|no|not needed|-)\.?$/i.test(s));
  return [...new Set(items)];
}

function ticked(lines: readonly string[], pattern: RegExp): boolean {
  return lines.some((l) => {
    const box = CHECKBOX.exec(l);
    return !!box && box[1] !== ' ' && pattern.test(box[2] ?? '');
  });
}
