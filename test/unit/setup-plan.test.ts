import { describe, expect, it } from 'vitest';
import type { Hook, Label } from '../../src/core/gitlab-port.js';
import { accessProblem, formatSetupTable, planLabels, planSetup, planTemplates, planWebhook } from '../../src/workflows/setup/plan-setup.js';
import type { WebhookInput } from '../../src/workflows/setup/plan-setup.js';
import { quarterLabels, templatePath, TRELLIS_LABEL_NAMES, TRELLIS_LABELS } from '../../src/workflows/setup/setup-catalog.js';
import { MODULE_STATES } from '../../src/workflows/training/training-module.js';

describe('the labels Trellis uses', () => {
  it('are unique, hold no comma (GitLab splits on it), and each has a colour and a description', () => {
    expect(new Set(TRELLIS_LABEL_NAMES).size).toBe(TRELLIS_LABEL_NAMES.length);
    for (const l of TRELLIS_LABELS) {
      expect(l.name).not.toContain(',');
      expect(l.color).toMatch(/^#[0-9a-f]{6}$/);
      expect(l.description?.length, l.name).toBeGreaterThan(20);
      expect(l.description?.length, l.name).toBeLessThanOrEqual(255);
    }
  });

  it.each([
    ['sre-i', MODULE_STATES],
    ['sre-ii', MODULE_STATES],
    ['checkpoint', ['planning', 'in-progress', 'review', 'done', 'overdue']],
    ['internship', ['requested', 'needs-info', 'pending-approval', 'approved', 'active', 'completed', 'declined']],
  ])('hold every %s:: state of docs/architecture.md#labels, in board order', (scope, states) => {
    expect(TRELLIS_LABEL_NAMES.filter((n) => n.startsWith(`${scope}::`))).toEqual(states.map((s) => `${scope}::${s}`));
  });

  it.each(['training-module', 'career-checkpoint', 'career-conversation', 'internship-request', 'internship-task', 'staff-gearing-report', 'trellis-config-error'])('include the kind label %s', (name) => {
    expect(TRELLIS_LABEL_NAMES).toContain(name);
  });

  it.each([
    ['in March 2026 (GitLab calendar)', '2026-03-10T12:00:00Z', 'UTC', ['quarter::FY27-Q1', 'quarter::FY27-Q2']],
    ['in the last quarter of the fiscal year', '2027-01-15T12:00:00Z', 'UTC', ['quarter::FY27-Q4', 'quarter::FY28-Q1']],
    ['on a quarter\'s first day in Tokyo while still the day before in UTC', '2026-01-31T20:00:00Z', 'Asia/Tokyo', ['quarter::FY27-Q1', 'quarter::FY27-Q2']],
  ])('quarter labels %s: the current and the next', (_, now, timezone, names) => {
    const labels = quarterLabels(new Date(now), { fiscalYearStartMonth: 2, timezone });
    expect(labels.map((l) => l.name)).toEqual(names);
    expect(labels[0]?.description).toMatch(/^Checkpoints of fiscal quarter FY2\d-Q\d \(\d{4}-\d\d-01 to \d{4}-\d\d-\d\d\)\.$/);
  });
});

describe('labels: create what is missing, fix what differs, leave the rest', () => {
  const want: Label = { name: 'sre-i::review', color: '#f0ad4e', description: 'Review' };
  it.each([
    ['missing', [], 'create', 'create-label'],
    ['the same (colour in capitals)', [{ ...want, color: '#F0AD4E' }], 'unchanged', null],
    ['another colour', [{ ...want, color: '#000000' }], 'update', 'update-label'],
    ['another description', [{ ...want, description: 'something else' }], 'update', 'update-label'],
  ] as const)('a label %s: %s', (_, current, outcome, write) => {
    const plan = planLabels(current, [want]);
    expect(plan.rows.map((r) => r.outcome)).toEqual([outcome]);
    expect(plan.writes.map((w) => w.kind)).toEqual(write ? [write] : []);
  });

  it('an empty description equals none', () => {
    expect(planLabels([{ name: 'x', color: '#ffffff', description: null }], [{ name: 'x', color: '#ffffff', description: '' }]).writes).toEqual([]);
  });
});

describe('issue templates: one commit with only the files that changed', () => {
  it('names files as the GitLab dropdown shows them', () => {
    expect(templatePath('sre-i')).toBe('.gitlab/issue_templates/SRE I training.md');
    expect(templatePath('sre-ii')).toBe('.gitlab/issue_templates/SRE II training.md');
    // Not offered in the department project's dropdown: there it would be readable by every Planner/Reporter.
    expect(templatePath('big-picture-conversation')).toBeNull();
    expect(templatePath('checkpoint')).toBeNull();
  });

  it('plans creations and updates together, and skips the unchanged, the unsynced and the unusable', () => {
    const plan = planTemplates([
      { name: 'sre-i', content: 'A', path: 'p/SRE I training.md', current: null },
      { name: 'sre-ii', content: 'B', path: 'p/SRE II training.md', current: 'old B' },
      { name: 'same', content: 'C', path: 'p/Same.md', current: 'C' },
      { name: 'checkpoint', content: '{{quarter}}', path: null, current: null },
      { name: 'broken', content: 'Hello {{name}}', path: 'p/Broken.md', current: null },
    ]);
    expect(plan.rows.map((r) => [r.name, r.outcome])).toEqual([
      ['p/SRE I training.md', 'create'],
      ['p/SRE II training.md', 'update'],
      ['p/Same.md', 'unchanged'],
      ['checkpoint.md', 'skip'],
      ['p/Broken.md', 'problem'],
    ]);
    expect(plan.writes).toEqual([
      {
        kind: 'commit-files',
        message: 'Trellis setup: issue templates (SRE I training, SRE II training)',
        changes: [
          { path: 'p/SRE I training.md', content: 'A', action: 'create' },
          { path: 'p/SRE II training.md', content: 'B', action: 'update' },
        ],
      },
    ]);
  });

  it('writes nothing when every template is in place', () => {
    expect(planTemplates([{ name: 'sre-i', content: 'A', path: 'p', current: 'A' }]).writes).toEqual([]);
  });
});

describe('the webhook', () => {
  const URL = 'https://trellis.example.com/webhooks/gitlab';
  const hook = (fields: Partial<Hook> = {}): Hook => ({ id: 3, url: URL, issuesEvents: true, confidentialIssuesEvents: true, noteEvents: true, confidentialNoteEvents: true, pushEvents: true, alertStatus: 'executable', disabledUntil: null, ...fields });
  const input = (fields: Partial<WebhookInput> = {}): WebhookInput => ({ publicUrl: 'https://trellis.example.com', secret: 's3cret', hooks: [], lastDeliveryUnauthorized: false, resetToken: false, ...fields });

  it('is created with every event Trellis needs, SSL verification and the secret', () => {
    expect(planWebhook(input()).writes).toEqual([
      { kind: 'create-hook', settings: { url: URL, token: 's3cret', issuesEvents: true, confidentialIssuesEvents: true, noteEvents: true, confidentialNoteEvents: true, pushEvents: true, enableSslVerification: true } },
    ]);
  });

  it.each([
    ['the same hook', [hook()], 'https://trellis.example.com'],
    ['the same hook, the public URL with a trailing slash', [hook()], 'https://trellis.example.com/'],
  ])('is left alone when GitLab has %s', (_, hooks, publicUrl) => {
    const plan = planWebhook(input({ hooks, publicUrl }));
    expect(plan.rows.map((r) => r.outcome)).toEqual(['unchanged']);
    expect(plan.writes).toEqual([]);
  });

  it.each([
    ['note events switched off', { hooks: [hook({ noteEvents: false })] }, 'enable note events'],
    ['confidential issue events switched off', { hooks: [hook({ confidentialIssuesEvents: false })] }, 'enable confidential issues events'],
    ['its last delivery refused with 401', { hooks: [hook()], lastDeliveryUnauthorized: true }, 'refused with 401'],
    ['--reset-token', { hooks: [hook()], resetToken: true }, '--reset-token'],
  ])('is updated, always with the secret, when %s', (_, fields, reason) => {
    const plan = planWebhook(input(fields));
    expect(plan.rows[0]).toMatchObject({ outcome: 'update', detail: expect.stringContaining(reason) });
    expect(plan.writes).toEqual([{ kind: 'update-hook', id: 3, settings: expect.objectContaining({ token: 's3cret', url: URL }) }]);
  });

  it.each([
    ['temporarily_disabled', '2026-03-02T10:00:00Z', 'disabled by GitLab until 2026-03-02T10:00:00Z'],
    ['disabled', null, 'disabled for good'],
  ])('a hook GitLab %s is reported and re-enabled with a test delivery', (alertStatus, disabledUntil, says) => {
    const plan = planWebhook(input({ hooks: [hook({ alertStatus, disabledUntil })] }));
    expect(plan.rows.map((r) => r.outcome)).toEqual(['unchanged', 'update']);
    expect(plan.rows[1]?.detail).toContain(says);
    expect(plan.rows[1]?.detail).toContain('trellis reconcile');
    expect(plan.writes).toEqual([{ kind: 'test-hook', id: 3, url: URL }]);
  });

  it('sets the secret before the test delivery that re-enables a disabled hook', () => {
    const plan = planWebhook(input({ resetToken: true, hooks: [hook({ alertStatus: 'disabled' })] }));
    expect(plan.writes.map((w) => w.kind)).toEqual(['update-hook', 'test-hook']);
  });

  it('warns about another hook posting to a Trellis address, which would double every event', () => {
    const plan = planWebhook(input({ hooks: [hook(), hook({ id: 9, url: 'https://old-trellis.example.com/webhooks/gitlab' })] }));
    expect(plan.rows[1]).toMatchObject({ outcome: 'problem', name: 'https://old-trellis.example.com/webhooks/gitlab', detail: expect.stringContaining('hook 9') });
  });

  it.each([
    ['TRELLIS_PUBLIC_URL', { publicUrl: undefined }],
    ['WEBHOOK_SECRET', { secret: undefined }],
  ])('without %s it is a problem naming the variable, and nothing is written', (variable, fields) => {
    const plan = planWebhook(input(fields));
    expect(plan.rows).toEqual([expect.objectContaining({ outcome: 'problem', detail: expect.stringContaining(variable) })]);
    expect(plan.writes).toEqual([]);
  });
});

describe('permissions', () => {
  it.each([
    [50, null],
    [40, null],
    [30, '@bot has Developer access (30) to infra/career; setup needs Maintainer (40)'],
    [20, '@bot has Reporter access (20)'],
    [0, '@bot has no access (0)'],
  ])('access level %s', (level, problem) => {
    const text = accessProblem(level, 'bot', 'infra/career', 'main');
    if (problem === null) expect(text).toBeNull();
    else expect(text).toContain(problem);
  });
});

describe('the whole plan and its table', () => {
  const plan = planSetup({
    roster: { ok: false, source: '.trellis/roster.yml', message: 'people[0].team: unknown team' },
    labels: { current: [], wanted: [{ name: 'a', color: '#000000', description: 'A' }] },
    quarterProblem: 'needs a valid roster',
    templates: [],
    webhook: { publicUrl: undefined, secret: 'x', hooks: [], lastDeliveryUnauthorized: false, resetToken: false },
  });

  it('an invalid roster is a problem, and quarter labels wait for a valid one, while the rest is still planned', () => {
    expect(plan.rows.map((r) => [r.item, r.outcome])).toEqual([
      ['roster', 'problem'],
      ['label', 'create'],
      ['label', 'problem'],
      ['webhook', 'problem'],
    ]);
    expect(plan.writes.map((w) => w.kind)).toEqual(['create-label']);
  });

  it.each([
    [true, 'created'],
    [false, 'would create'],
  ])('prints an aligned table (applied: %s)', (applied, word) => {
    const [header, ...rows] = formatSetupTable(plan.rows, applied).split('\n');
    const column = header!.indexOf('RESULT');
    expect(rows[1]!.indexOf(word)).toBe(column);
    expect(rows.map((r) => r.slice(column).startsWith('PROBLEM') || r.slice(column).startsWith(word))).toEqual([true, true, true, true]);
  });
});
