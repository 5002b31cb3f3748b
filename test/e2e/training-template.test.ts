import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E } from '../helpers/e2e.js';
import type { ApiIssue, E2E } from '../helpers/e2e.js';
import { botNotes, command, linkedIids, replies, stateOf, statusNote, theModule, tick } from './training-helpers.js';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

function template(kind: 'sre-i' | 'sre-ii'): string {
  return readFileSync(new URL(`../../issue_templates/${kind}.md`, import.meta.url), 'utf8');
}

/** A person picks the template in GitLab's dropdown and saves the issue: its quick actions run as them. */
async function fromTemplate(who: string, kind: 'sre-i' | 'sre-ii', title: string, edit: (text: string) => string = (t) => t): Promise<ApiIssue> {
  const issue = await e2e.as(who).createIssue({ title, description: edit(template(kind)) });
  await e2e.settle();
  return e2e.as(who).issue(issue.iid);
}

describe('modules people create from the issue templates', () => {
  it('the template labels and assigns the issue itself, and Trellis adopts it: canonical title, the mentor welcomed once, a status note', async () => {
    const made = await fromTemplate('olivia', 'sre-i', 'My SRE I');
    expect(made.title).toBe('SRE I training: @olivia');
    expect([...made.labels].sort()).toEqual(['sre-i::not-started', 'training-module']);
    expect(made.assignees.map((a) => a.username)).toEqual(['olivia']);
    expect(made.description).not.toMatch(/^\/(label|assign)/m);
    const notes = (await botNotes(e2e, made.iid)).map((n) => n.body);
    expect(notes).toHaveLength(2);
    expect(notes.join('\n').match(/@erin/g)).toHaveLength(1);
    expect(await statusNote(e2e, made.iid)).toContain('Mentor: Erin Evans (erin)');
  });

  it('an adopted module follows its checklist like any other', async () => {
    const module = await theModule(e2e, 'olivia', 'sre-i');
    await e2e.as('olivia').editIssue(module.iid, { description: tick(module.description ?? '', 2) });
    await e2e.settle();
    expect(stateOf(await e2e.as('olivia').issue(module.iid), 'sre-i')).toBe('sre-i::in-progress');
    expect(await statusNote(e2e, module.iid)).toContain('**Required items: 2 of 62**');
  });

  it('a second one made from the template is closed as a duplicate, linked to the first', async () => {
    const first = await theModule(e2e, 'olivia', 'sre-i');
    const second = await fromTemplate('olivia', 'sre-i', 'SRE I again');
    expect(second.state).toBe('closed');
    expect(second.labels).not.toContain('training-module');
    expect(await linkedIids(e2e, second.iid)).toEqual([first.iid]);
    expect((await replies(e2e, second.iid)).at(-1)).toContain(`olivia already has one open: #${first.iid}, so Trellis closed this issue as a duplicate`);
    await theModule(e2e, 'olivia', 'sre-i');
  });

  it('`start` for a learner whose module came from the template replies with a link to it', async () => {
    const module = await theModule(e2e, 'olivia', 'sre-i');
    const asked = await command(e2e, 'olivia', 'start sre-i');
    expect((await replies(e2e, asked)).at(-1)).toContain(`olivia already has one open: #${module.iid}`);
  });

  it('SRE II made from the template by the learner before SRE I is signed off is closed, saying who can start it', async () => {
    const made = await fromTemplate('olivia', 'sre-ii', 'SRE II now');
    expect(made.state).toBe('closed');
    expect((await replies(e2e, made.iid)).at(-1)).toContain("olivia's SRE I");
    expect((await replies(e2e, made.iid)).at(-1)).toContain('Only their manager (erin) can start SRE II first');
  });

  it('a manager may make SRE II from the template for a report by assigning it to them', async () => {
    const made = await fromTemplate('erin', 'sre-ii', 'SRE II for Pat', (t) => t.replace('/assign me', '/assign @pat'));
    expect([made.state, made.title]).toEqual(['opened', 'SRE II training: @pat']);
    expect(made.assignees.map((a) => a.username)).toEqual(['pat']);
    expect(stateOf(made, 'sre-ii')).toBe('sre-ii::not-started');
  });

  it('a renamed module gets its title back and nothing else changes', async () => {
    const module = await theModule(e2e, 'pat', 'sre-ii');
    const before = await botNotes(e2e, module.iid);
    await e2e.as('pat').editIssue(module.iid, { title: 'Pat learns things' });
    await e2e.settle();
    expect((await e2e.as('pat').issue(module.iid)).title).toBe('SRE II training: @pat');
    expect(await botNotes(e2e, module.iid)).toEqual(before);
  });
});
