import { textTable } from '../../core/text-table.js';
import type { FileChange, Hook, HookSettings, Label } from '../../core/gitlab-port.js';
import { MAINTAINER, WEBHOOK_EVENTS, WEBHOOK_PATH } from './setup-catalog.js';

/**
 * The plan of `trellis setup`, pure: from what the records project holds now and what Trellis wants,
 * one row per item (what happens to it and why) and the writes that make it so. Applying the writes
 * and planning again gives only `unchanged` rows and no writes.
 */

/** What happens to one item. `problem` rows need a person; the command exits non-zero. */
export type SetupOutcome = 'create' | 'update' | 'unchanged' | 'skip' | 'problem';

export interface SetupRow {
  readonly item: 'access' | 'roster' | 'label' | 'template' | 'webhook' | 'records' | 'member' | 'overreader' | 'board';
  readonly name: string;
  readonly outcome: SetupOutcome;
  readonly detail: string;
}

export type SetupWrite =
  | { readonly kind: 'create-label'; readonly label: Label }
  | { readonly kind: 'update-label'; readonly label: Label }
  | { readonly kind: 'commit-files'; readonly message: string; readonly changes: readonly FileChange[] }
  | { readonly kind: 'create-hook'; readonly settings: HookSettings }
  | { readonly kind: 'update-hook'; readonly id: number; readonly settings: HookSettings }
  /** A test delivery, whose success re-enables a hook GitLab auto-disabled. */
  | { readonly kind: 'test-hook'; readonly id: number; readonly url: string };

export interface SetupPlan {
  readonly rows: readonly SetupRow[];
  readonly writes: readonly SetupWrite[];
}

/** A local template and, when it is synced, its path in the project and what that path holds now. */
export interface TemplateState {
  readonly name: string;
  readonly content: string;
  /** Null: Trellis's own template, not offered in GitLab's dropdown. */
  readonly path: string | null;
  /** The file on the default branch, null when absent. */
  readonly current: string | null;
}

export type RosterState =
  | { readonly ok: true; readonly source: string; readonly people: number; readonly teams: number }
  | { readonly ok: false; readonly source: string; readonly message: string };

export interface SetupInput {
  readonly roster: RosterState;
  readonly labels: { readonly current: readonly Label[]; readonly wanted: readonly Label[] };
  /** Set when quarter labels could not be derived (no valid roster). */
  readonly quarterProblem?: string;
  readonly templates: readonly TemplateState[];
  readonly webhook: WebhookInput;
}

export interface WebhookInput {
  /** TRELLIS_PUBLIC_URL, without a trailing slash. */
  readonly publicUrl: string | undefined;
  /** The first of WEBHOOK_SECRET. */
  readonly secret: string | undefined;
  readonly hooks: readonly Hook[];
  /** The hook's latest delivery was refused with 401: its secret is not one Trellis accepts. */
  readonly lastDeliveryUnauthorized: boolean;
  /** `--reset-token`: send the secret even when nothing else differs (after rotating WEBHOOK_SECRET). */
  readonly resetToken: boolean;
}

const ACCESS_NAMES: Readonly<Record<number, string>> = { 0: 'no', 5: 'Minimal', 10: 'Guest', 15: 'Planner', 20: 'Reporter', 30: 'Developer', 40: 'Maintainer', 50: 'Owner' };

/** Null when `level` is enough for setup, else what is missing, in words an admin can act on. */
export function accessProblem(level: number, who: string, project: string, branch: string): string | null {
  if (level >= MAINTAINER) return null;
  const has = ACCESS_NAMES[level] ?? `level ${level}`;
  return (
    `@${who} has ${has} access (${level}) to ${project}; setup needs Maintainer (40) to manage the project's webhooks ` +
    `and to push issue templates to the default branch ${branch}. Make @${who} a Maintainer of ${project}, or run setup with a Maintainer's token.`
  );
}

/** The whole plan, given access was checked. */
export function planSetup(input: SetupInput): SetupPlan {
  const labels = planLabels(input.labels.current, input.labels.wanted);
  const quarter: SetupRow[] = input.quarterProblem ? [{ item: 'label', name: 'quarter::*', outcome: 'problem', detail: input.quarterProblem }] : [];
  const parts = [labels, planTemplates(input.templates), planWebhook(input.webhook)];
  return {
    rows: [rosterRow(input.roster), ...labels.rows, ...quarter, ...parts.slice(1).flatMap((p) => p.rows)],
    writes: parts.flatMap((p) => p.writes),
  };
}

function rosterRow(r: RosterState): SetupRow {
  return r.ok
    ? { item: 'roster', name: r.source, outcome: 'unchanged', detail: `valid: ${r.people} people in ${r.teams} teams` }
    : { item: 'roster', name: r.source, outcome: 'problem', detail: r.message };
}

/** Labels are matched by name; colour (any case) and description must match too. */
export function planLabels(current: readonly Label[], wanted: readonly Label[]): SetupPlan {
  const byName = new Map(current.map((l) => [l.name, l]));
  const rows: SetupRow[] = [];
  const writes: SetupWrite[] = [];
  for (const label of wanted) {
    const have = byName.get(label.name);
    if (!have) {
      rows.push({ item: 'label', name: label.name, outcome: 'create', detail: label.color });
      writes.push({ kind: 'create-label', label });
      continue;
    }
    const diffs = [
      ...(have.color.toLowerCase() === label.color.toLowerCase() ? [] : [`colour ${have.color} -> ${label.color}`]),
      ...((have.description ?? '') === (label.description ?? '') ? [] : ['description']),
    ];
    if (diffs.length === 0) {
      rows.push({ item: 'label', name: label.name, outcome: 'unchanged', detail: '' });
    } else {
      rows.push({ item: 'label', name: label.name, outcome: 'update', detail: diffs.join(', ') });
      writes.push({ kind: 'update-label', label });
    }
  }
  return { rows, writes };
}

/** Changed templates go in one commit; a template with Handlebars fields cannot work in GitLab's dropdown. */
export function planTemplates(templates: readonly TemplateState[]): SetupPlan {
  const rows: SetupRow[] = [];
  const changes: FileChange[] = [];
  for (const t of templates) {
    if (t.path === null) {
      rows.push({ item: 'template', name: `${t.name}.md`, outcome: 'skip', detail: "Trellis's own template, not offered in GitLab's dropdown" });
    } else if (/\{\{/.test(t.content)) {
      rows.push({ item: 'template', name: t.path, outcome: 'problem', detail: `issue_templates/${t.name}.md has Handlebars fields GitLab cannot fill` });
    } else if (t.current === t.content) {
      rows.push({ item: 'template', name: t.path, outcome: 'unchanged', detail: '' });
    } else {
      const action = t.current === null ? 'create' : 'update';
      rows.push({ item: 'template', name: t.path, outcome: action, detail: `from issue_templates/${t.name}.md` });
      changes.push({ path: t.path, content: t.content, action });
    }
  }
  const names = changes.map((c) => c.path.replace(/^.*\//, '').replace(/\.md$/, ''));
  const writes: SetupWrite[] = changes.length > 0 ? [{ kind: 'commit-files', message: `Trellis setup: issue templates (${names.join(', ')})`, changes }] : [];
  return { rows, writes };
}

/** The project hook that posts to TRELLIS_PUBLIC_URL + /webhooks/gitlab, found by its URL. */
export function planWebhook(w: WebhookInput): SetupPlan {
  if (!w.publicUrl) return problem('TRELLIS_PUBLIC_URL is not set: the address GitLab should post events to (e.g. https://trellis.example.com)');
  const url = `${w.publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
  if (!w.secret) return problem('WEBHOOK_SECRET is not set: a hook without a secret would let anyone post events to Trellis', url);
  const settings: HookSettings = { url, token: w.secret, ...WEBHOOK_EVENTS, enableSslVerification: true };
  const rows: SetupRow[] = [];
  const hook = w.hooks.find((h) => sameUrl(h.url, url));
  for (const other of w.hooks) {
    if (other !== hook && other.url.replace(/\/+$/, '').endsWith(WEBHOOK_PATH)) {
      rows.push({ item: 'webhook', name: other.url, outcome: 'problem', detail: `hook ${other.id} also posts to a Trellis address; if it is an old one, delete it, or every event arrives twice` });
    }
  }
  if (!hook) return { rows: [{ item: 'webhook', name: url, outcome: 'create', detail: eventsText() }, ...rows], writes: [{ kind: 'create-hook', settings }] };

  const reasons = [
    ...Object.entries(WEBHOOK_EVENTS)
      .filter(([key]) => !hook[key as keyof typeof WEBHOOK_EVENTS])
      .map(([key]) => `enable ${eventName(key)}`),
    ...(w.lastDeliveryUnauthorized ? ['its last delivery was refused with 401: set the secret again'] : []),
    ...(w.resetToken ? ['--reset-token'] : []),
  ];
  const main: SetupRow =
    reasons.length > 0
      ? { item: 'webhook', name: url, outcome: 'update', detail: `hook ${hook.id}: ${reasons.join('; ')}` }
      : { item: 'webhook', name: url, outcome: 'unchanged', detail: `hook ${hook.id}` };
  const disabled = disabledRow(hook, url);
  return {
    rows: [main, ...(disabled ? [disabled] : []), ...rows],
    // Always with the token: GitLab clears a hook's secret when its URL changes, and it never shows it.
    // The update goes first, so the test delivery that re-enables the hook carries the right secret.
    writes: [...(reasons.length > 0 ? [{ kind: 'update-hook' as const, id: hook.id, settings }] : []), ...(disabled ? [{ kind: 'test-hook' as const, id: hook.id, url }] : [])],
  };
}

/**
 * GitLab drops events while a hook is disabled, and re-enables it only after a delivery succeeds
 * (an edit through the API does not). Setup sends GitLab's test delivery, whose success re-enables
 * it; the events GitLab dropped meanwhile are for `trellis reconcile`.
 */
function disabledRow(hook: Hook, url: string): SetupRow | null {
  if (hook.alertStatus !== 'temporarily_disabled' && hook.alertStatus !== 'disabled') return null;
  const state = hook.alertStatus === 'disabled' ? 'disabled for good after repeated failures' : `disabled by GitLab until ${hook.disabledUntil ?? 'later'} after failed deliveries`;
  return {
    item: 'webhook',
    name: url,
    outcome: 'update',
    detail: `hook ${hook.id} was ${state}: re-enabling it with a test delivery; run \`trellis reconcile\` for the events GitLab dropped meanwhile`,
  };
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

function eventName(key: string): string {
  return key.replace(/Events$/, '').replace(/([A-Z])/g, ' $1').toLowerCase() + ' events';
}

function eventsText(): string {
  return Object.keys(WEBHOOK_EVENTS).map(eventName).join(', ') + '; with the secret';
}

function problem(detail: string, name = 'webhook'): SetupPlan {
  return { rows: [{ item: 'webhook', name, outcome: 'problem', detail }], writes: [] };
}

/** The plan as a table of four columns; `applied` says whether writes were made or only planned. */
export function formatSetupTable(rows: readonly SetupRow[], applied: boolean): string {
  const word = (o: SetupOutcome): string => (applied ? { create: 'created', update: 'updated', unchanged: 'unchanged', skip: 'skipped', problem: 'PROBLEM' }[o] : { create: 'would create', update: 'would update', unchanged: 'unchanged', skip: 'skipped', problem: 'PROBLEM' }[o]);
  const cells = rows.map((r) => [r.item, r.name, word(r.outcome), r.detail]);
  return textTable(['ITEM', 'NAME', 'RESULT', 'DETAIL'], cells).join('\n');
}
