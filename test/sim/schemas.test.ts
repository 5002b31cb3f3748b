import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitlabSchemas, startTeamSim, type Json } from './sim-helpers.js';

const BASE = 'https://trellis.invalid/gitlab-schemas/';

/** The project's own schemas of GitLab's REST answers (test/fixtures/gitlab-schemas), each with an $id from its name so `label.json` refs resolve. */
function loadAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
  addFormats(ajv);
  for (const name of readdirSync(gitlabSchemas).filter((n) => n.endsWith('.json'))) {
    const schema = JSON.parse(readFileSync(path.join(gitlabSchemas, name), 'utf8')) as Record<string, unknown>;
    ajv.addSchema({ ...schema, $id: BASE + name });
  }
  return ajv;
}

describe('simulator responses validate against the schemas of GitLab\'s REST answers (test/fixtures/gitlab-schemas)', () => {
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

  it('loads the schemas (a missing fixture must fail, not skip)', () => {
    expect(ajv.getSchema(`${BASE}issues.json`)).toBeTypeOf('function');
  });

  it('GET /projects/:id/issues/:iid matches issue.json', async () => {
    check('issue.json', (await t.as('mia').call('GET', `${P}/issues/1`)).body);
    check('issue.json', (await t.as('mia').call('GET', `${P}/issues/2`)).body);
  });

  it('GET /projects/:id/issues matches issues.json (items: issue.json)', async () => {
    const list = (await t.as('mia').call('GET', `${P}/issues`)).body;
    expect(list).toHaveLength(2);
    check('issues.json', list);
  });

  it('rejects a broken issue, so the check can fail', () => {
    const validate = ajv.getSchema(`${BASE}issues.json`) as ValidateFunction;
    expect(validate([{ id: 'x' }])).toBe(false);
  });

  it.each([
    ['issue.json', 'an issue without closed_by', 'issues/1', (b: Json) => delete b.closed_by],
    ['issue.json', 'an issue whose state is "open"', 'issues/1', (b: Json) => (b.state = 'open')],
    ['issue.json', 'an issue whose author has no web_url', 'issues/1', (b: Json) => delete b.author.web_url],
    ['issue.json', 'an issue whose task_completion_status has no count', 'issues/1', (b: Json) => delete b.task_completion_status.count],
    ['label-basic.json', 'a label detail with a key GitLab does not send', 'issues/1?with_labels_details=true', (b: Json) => (b.labels[0].priority = 1)],
    ['note.json', 'a note with a key GitLab does not send', 'issues/1/notes', (b: Json) => (b[0].web_url = 'x')],
  ])('%s rejects %s (a real answer, changed), so every check can fail', async (schema, _what, route, change) => {
    const body = (await t.as('mia').call('GET', `${P}/${route}`)).body;
    change(body);
    const data = schema === 'label-basic.json' ? body.labels[0] : schema === 'note.json' ? body[0] : body;
    expect((ajv.getSchema(BASE + schema) as ValidateFunction)(data)).toBe(false);
  });

  it('labels details in issues match label-basic.json', async () => {
    const issue = (await t.as('mia').call('GET', `${P}/issues/1?with_labels_details=true`)).body;
    expect(issue.labels).toHaveLength(2);
    for (const label of issue.labels) check('label-basic.json', label);
  });

  it('GET /projects/:id/issues/:iid/notes matches notes.json (system notes included), a single note note.json', async () => {
    const notes = (await t.as('mia').call('GET', `${P}/issues/1/notes`)).body;
    expect(notes.some((n: Json) => n.system)).toBe(true);
    expect(notes.some((n: Json) => !n.system)).toBe(true);
    check('notes.json', notes);
    const created = (await t.as('dev').call('POST', `${P}/issues/2/notes`, { body: 'single' })).body;
    check('note.json', created);
    check('note.json', (await t.as('mia').call('GET', `${P}/issues/2/notes/${created.id}`)).body);
  });

  it('GET /projects/:id/labels matches project-label.json and label-with-counts.json', async () => {
    const labels = (await t.as('mia').call('GET', `${P}/labels`)).body;
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels) check('project-label.json', l);
    const counted = (await t.as('mia').call('GET', `${P}/labels?with_counts=true`)).body;
    for (const l of counted) check('label-with-counts.json', l);
  });

  it('group labels and group issues match label.json, project-label.json, label-with-counts.json and issues.json', async () => {
    const made = await t.root.call('POST', '/groups/infra/labels', { name: 'team::sre', color: '#336699', description: 'group label' });
    expect(made.status).toBe(201);
    check('label.json', made.body);
    await t.as('mia').call('POST', `${P}/issues`, { title: 'with a group label', labels: 'team::sre' });
    for (const l of (await t.as('mia').call('GET', '/groups/infra/labels?with_counts=true')).body) check('label-with-counts.json', l);
    const inProject = (await t.as('mia').call('GET', `${P}/labels`)).body;
    expect(inProject.some((l: Json) => l.name === 'team::sre' && l.is_project_label === false)).toBe(true);
    for (const l of inProject) check('project-label.json', l);
    const issues = (await t.as('mia').call('GET', '/groups/infra/issues')).body;
    expect(issues.length).toBeGreaterThan(2);
    check('issues.json', issues);
    const detailed = (await t.as('mia').call('GET', '/groups/infra/issues?with_labels_details=true')).body;
    for (const i of detailed) for (const l of i.labels) check('label-basic.json', l);
  });

  it('users match user-basic.json', async () => {
    const users = (await t.as('dev').call('GET', '/users?username=mia')).body;
    expect(users).toHaveLength(1);
    check('user-basic.json', users[0]);
    check('user-basic.json', (await t.as('dev').call('GET', '/user')).body);
    check('user-basic.json', (await t.as('dev').call('GET', `/users/${t.seeded.users.mia!.id}`)).body);
  });
});
