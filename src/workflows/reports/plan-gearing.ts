import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Action } from '../../core/actions.js';
import { inlineText } from '../../core/markdown-safety.js';
import { marker } from '../../core/markers.js';
import type { Roster } from '../../core/roster.js';
import { gearingChanges, gearingTable, ratioText } from './gearing.js';
import type { GearingTable, KindGearing, TeamGearing } from './gearing.js';

/**
 * The Staff+ IC gearing report (pure). One issue, `Staff+ IC gearing report`, labelled
 * `staff-gearing-report`, confidential (it lists people's levels). Its description is written once
 * and then belongs to people (docs/architecture.md#principles, principle 5: they may add context or links); Trellis keeps the
 * current table in its one status note, edited in place, and adds a note only when something changed,
 * saying what. The last table rides along in the status note (hidden), so the next run knows what changed.
 */

export const GEARING_LABEL = 'staff-gearing-report';
export const GEARING_TITLE = 'Staff+ IC gearing report';
export const GEARING_MARKER = marker('report', 'staff-gearing');
export const GEARING_STATUS_MARKER = marker('status', 'staff-gearing');

/** What the previous run saw, and since when nothing about gearing has changed. */
export interface GearingSnapshot {
  readonly table: GearingTable;
  /** `YYYY-MM-DD` of the last change. */
  readonly since: string;
}

export interface GearingInput {
  readonly roster: Roster;
  /** From Trellis's status note; null on the first run or when the note is gone. */
  readonly previous: GearingSnapshot | null;
  /** Today in the roster's time zone. */
  readonly today: string;
  /** When the report runs, in words (`Mondays at 09:00 Europe/London`). */
  readonly schedule: string;
}

export interface GearingPlan {
  readonly actions: Action[];
  readonly snapshot: GearingSnapshot;
  /** Empty when nothing about gearing changed (or on the first run). */
  readonly changes: readonly string[];
}

/** Ensure the issue, write the table into the status note, and note what changed since last time. */
export function planGearingReport(input: GearingInput): GearingPlan {
  const table = gearingTable(input.roster);
  const changes = input.previous ? gearingChanges(input.previous.table, table) : [];
  const since = input.previous && changes.length === 0 ? input.previous.since : input.today;
  const snapshot: GearingSnapshot = { table, since };
  const actions: Action[] = [
    {
      kind: 'ensure-issue',
      ref: 'report',
      marker: GEARING_MARKER,
      draft: { title: GEARING_TITLE, description: describeReport(input.roster), labels: [GEARING_LABEL], assignees: [], confidential: true },
    },
    { kind: 'set-labels', issue: { ref: 'report' }, add: [GEARING_LABEL] },
    { kind: 'upsert-note', issue: { ref: 'report' }, marker: GEARING_STATUS_MARKER, body: statusNote(snapshot, input.schedule) },
  ];
  if (changes.length > 0) {
    // Keyed by day and content: a re-run the same day adds nothing, a later flip back is noted again.
    const key = `${input.today}-${createHash('sha1').update(changes.join('\n')).digest('hex').slice(0, 10)}`;
    actions.push({ kind: 'reply', issue: { ref: 'report' }, marker: marker('gearing-change', key), body: changeNote(changes, input.today) });
  }
  return { actions, snapshot, changes };
}

function describeReport(roster: Roster): string {
  const policy = (['sre', 'delivery', 'scalability', 'other'] as const)
    .filter((k) => roster.gearing[k] !== undefined)
    .map((k) => `${KIND_NAMES[k]} ${ratioText(roster.gearing[k] ?? null)}`)
    .join(', ');
  return [
    'How many Staff+ individual contributors each team has, against the Staff+ IC gearing policy.',
    '',
    `**The policy** (roster \`gearing\`): ${policy || 'none set'}. A ratio is Staff+ engineers : teams, so "3:1 for Delivery" means three Staff+ engineers in each Delivery team, and "1:1 for SRE teams" one in each SRE team.`,
    'Staff+ means level staff, principal or above; people who manage others do not count. A team is *under* with fewer Staff+ engineers than its policy, *at* with as many, *over* with more.',
    '',
    'Trellis keeps the current table in its note below, edited in place, and adds a note whenever something changes. Change the people or the policy in the roster (`.trellis/roster.yml`); run `trellis report gearing` to update this report at once.',
  ].join('\n');
}

const KIND_NAMES = { sre: 'SRE', delivery: 'Delivery', scalability: 'Scalability', other: 'other' } as const;

function statusNote(s: GearingSnapshot, schedule: string): string {
  const teamRows = s.table.teams.map((t: TeamGearing) => `| ${inlineText(t.name)} | ${KIND_NAMES[t.kind]} | ${t.staff.length === 0 ? '—' : t.staff.map((u) => inlineText(u)).join(', ')} | ${t.engineers} | ${ratioText(t.ratio)} | ${statusWord(t.status)} |`);
  const kindRows = s.table.kinds.map((k: KindGearing) => `| **All ${KIND_NAMES[k.kind]} teams** (${k.teams}) | | ${k.staff} | | ${formatNumber(k.wanted)} wanted | ${statusWord(k.status)} |`);
  return [
    '### Staff+ IC gearing',
    '',
    '| Team | Kind | Staff+ | Engineers | Policy (Staff+ : team) | Status |',
    '|---|---|---|---|---|---|',
    ...teamRows,
    ...kindRows,
    '',
    `Unchanged since ${s.since}. Trellis checks ${schedule} and adds a note here only when something changes.`,
    '',
    `<!-- trellis-gearing-snapshot ${Buffer.from(JSON.stringify(s), 'utf8').toString('base64url')} -->`,
  ].join('\n');
}

function changeNote(changes: readonly string[], today: string): string {
  return [`**Staff+ gearing changed** (${today}):`, '', ...changes.map((c) => `- ${c}`)].join('\n');
}

function statusWord(status: TeamGearing['status']): string {
  return { under: '🔻 under', at: '✅ at', over: '🔺 over', 'no-policy': 'no policy' }[status];
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

const teamSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['sre', 'delivery', 'scalability', 'other']),
  staff: z.array(z.string()),
  engineers: z.number(),
  ratio: z.number().nullable(),
  status: z.enum(['under', 'at', 'over', 'no-policy']),
});
const snapshotSchema = z.object({
  since: z.string(),
  table: z.object({
    teams: z.array(teamSchema),
    kinds: z.array(z.object({ kind: teamSchema.shape.kind, teams: z.number(), staff: z.number(), wanted: z.number(), ratio: z.number(), status: teamSchema.shape.status })),
  }),
});

/** The snapshot hidden in a status note, or null when there is none or it cannot be read. */
export function readSnapshot(noteBody: string): GearingSnapshot | null {
  const m = /<!-- trellis-gearing-snapshot ([A-Za-z0-9_-]+) -->/.exec(noteBody);
  if (!m?.[1]) return null;
  try {
    const parsed = snapshotSchema.safeParse(JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
