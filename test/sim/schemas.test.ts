import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedGitlab, startTeamSim, type Json } from './sim-helpers.js';

const SCHEMA_ROOT = path.join(sharedGitlab, 'schemas');
const BASE = 'https://gitlab.example/schemas/';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : name.endsWith('.json') ? [full] : [];
  });
}

/**
 * label_basic.json's colour pattern `[0-9A-Fa-f]{3}{1,2}` is a Ruby regexp (a quantified
 * quantifier: 3 or 6 digits) that JavaScript rejects; it is rewritten to `(?:[0-9A-Fa-f]{3}){1,2}`.
 */
const rubyRegExp = Object.assign(
  (pattern: string, flags: string) => new RegExp(pattern.replace(/(\[[^\]]+\]|\\.|.)\{(\d+)\}\{(\d+),(\d+)\}/g, '(?:$1{$2}){$3,$4}'), flags),
  { code: 'rubyRegExp' },
);

/** GitLab's own response schemas, each given an $id from its path so `./issue.json` refs resolve. */
function loadAjv(): Ajv {
  // GitLab's fixtures nest sub-keys without `properties` (time_stats, references): not strict JSON Schema.
  const ajv = new Ajv({ strict: false, allErrors: true, code: { regExp: rubyRegExp } });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
  addFormats(ajv);
  for (const file of files(SCHEMA_ROOT)) {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    ajv.addSchema({ ...schema, $id: BASE + path.relative(SCHEMA_ROOT, file).split(path.sep).join('/') });
  }
  return ajv;
}

describe('simulator responses validate against GitLab\'s schemas (shared/gitlab/schemas)', () => {
  let t: Awaited<ReturnType<typeof startTeamSim>>;
  let ajv: Ajv;
  let P: string;
  const check = (schema: string, data: unknown) => {
    const validate = ajv.getSchema(BASE + schema) as ValidateFunction;
    expect(validate, schema).toBeTypeOf('function');
    const ok = validate(data);
    expect(ok ? [] : validate.errors, `${schema}: ${JSON.stringify(validate.errors)}`).toEqual([]);
  };

  beforeAll(async () => {
    ajv = loadAjv();
    t = await startTeamSim();
    P = `/projects/${t.projectId}`;
    await t.as('mia').call('POST', `${P}/issues`, {
      title: 'Full issue', description: '- [ ] a\n- [x] b', labels: 'one,two::x', assignee_ids: [t.seeded.users.dev!.id, t.seeded.users.rita!.id], due_date: '2030-02-03', confidential: true,
    });
    await t.as('mia').call('PUT', `${P}/issues/1`, { state_event: 'close' });
    await t.as('mia').call('POST', `${P}/issues`, { title: 'Bare issue' });
    await t.as('dev').call('POST', `${P}/issues/1/notes`, { body: 'a comment' });
    await t.as('mia').call('PUT', `${P}/issues/1`, { title: 'Full issue, renamed' });
  });
  afterAll(async () => t.sim.close());

  it('loads the schemas (a missing shared/ folder must fail, not skip)', () => {
    expect(ajv.getSchema(`${BASE}public_api/v4/issues.json`)).toBeTypeOf('function');
  });

  it('GET /projects/:id/issues/:iid matches issue.json', async () => {
    check('public_api/v4/issue.json', (await t.as('mia').call('GET', `${P}/issues/1`)).body);
    check('public_api/v4/issue.json', (await t.as('mia').call('GET', `${P}/issues/2`)).body);
  });

  it('GET /projects/:id/issues matches issues.json (with $ref ./issue.json)', async () => {
    const list = (await t.as('mia').call('GET', `${P}/issues`)).body;
    expect(list).toHaveLength(2);
    check('public_api/v4/issues.json', list);
  });

  it('rejects a broken issue, so the check can fail', () => {
    const validate = ajv.getSchema(`${BASE}public_api/v4/issues.json`) as ValidateFunction;
    expect(validate([{ id: 'x' }])).toBe(false);
  });

  it('labels details in issues match label_basic.json', async () => {
    const issue = (await t.as('mia').call('GET', `${P}/issues/1?with_labels_details=true`)).body;
    expect(issue.labels).toHaveLength(2);
    for (const label of issue.labels) check('public_api/v4/label_basic.json', label);
  });

  it('GET /projects/:id/issues/:iid/notes matches notes.json (system notes included)', async () => {
    const notes = (await t.as('mia').call('GET', `${P}/issues/1/notes`)).body;
    expect(notes.some((n: Json) => n.system)).toBe(true);
    expect(notes.some((n: Json) => !n.system)).toBe(true);
    check('public_api/v4/notes.json', notes);
    const created = (await t.as('dev').call('POST', `${P}/issues/2/notes`, { body: 'single' })).body;
    check('public_api/v4/notes.json', [created]);
  });

  it('GET /projects/:id/labels matches labels/project_label.json and label_with_counts.json', async () => {
    const labels = (await t.as('mia').call('GET', `${P}/labels`)).body;
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels) check('public_api/v4/labels/project_label.json', l);
    const counted = (await t.as('mia').call('GET', `${P}/labels?with_counts=true`)).body;
    for (const l of counted) check('public_api/v4/labels/label_with_counts.json', l);
    for (const l of labels) check('public_api/v4/label/basic.json', l);
  });

  it('group labels and group issues match labels/label.json, project_label.json, label_with_counts.json and issues.json', async () => {
    const made = await t.root.call('POST', '/groups/infra/labels', { name: 'team::sre', color: '#336699', description: 'group label' });
    expect(made.status).toBe(201);
    check('public_api/v4/labels/label.json', made.body);
    check('public_api/v4/label/basic.json', made.body);
    await t.as('mia').call('POST', `${P}/issues`, { title: 'with a group label', labels: 'team::sre' });
    for (const l of (await t.as('mia').call('GET', '/groups/infra/labels?with_counts=true')).body) check('public_api/v4/labels/label_with_counts.json', l);
    const inProject = (await t.as('mia').call('GET', `${P}/labels`)).body;
    expect(inProject.some((l: Json) => l.name === 'team::sre' && l.is_project_label === false)).toBe(true);
    for (const l of inProject) check('public_api/v4/labels/project_label.json', l);
    const issues = (await t.as('mia').call('GET', '/groups/infra/issues')).body;
    expect(issues.length).toBeGreaterThan(2);
    check('public_api/v4/issues.json', issues);
    const detailed = (await t.as('mia').call('GET', '/groups/infra/issues?with_labels_details=true')).body;
    for (const i of detailed) for (const l of i.labels) check('public_api/v4/label_basic.json', l);
  });

  it('users match user/basic.json', async () => {
    const users = (await t.as('dev').call('GET', '/users?username=mia')).body;
    expect(users).toHaveLength(1);
    check('public_api/v4/user/basic.json', users[0]);
    check('public_api/v4/user/basic.json', (await t.as('dev').call('GET', '/user')).body);
    check('public_api/v4/user/basic.json', (await t.as('dev').call('GET', `/users/${t.seeded.users.mia!.id}`)).body);
  });
});
