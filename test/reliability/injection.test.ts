import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT, startE2E } from '../helpers/e2e.js';
import type { ApiIssue, E2E, IssueTarget } from '../helpers/e2e.js';
import { tickAreas, withSummary } from '../e2e/checkpoint-helpers.js';
import { accessProjectId, openAccessProject, openRequest } from '../e2e/internship-helpers.js';
import { command, moveCard, theModule, ticking } from '../e2e/training-helpers.js';
import { commandsRun, handlebarsRendered, linesLost, liveMarkup, TAGS, tricks, unintendedMentions } from './injection-checks.js';
import type { Written } from './injection-checks.js';
import { allIssues, allNotes, allRecords, figure, restAll } from './reliability-helpers.js';

/**
 * Text people write, and Trellis copies into what it writes, carrying quick actions, mentions, HTML,
 * Markdown tricks, forged markers and Handlebars: put into every field Trellis copies, run through
 * the real flows on the simulator, which executes quick actions the way GitLab does (and strips them
 * from the saved text). Each piece carries a tag (`Zr03`, `Zgd`, ...) so its copy can be found.
 */

/** The demo department with injected names, team name, role title, responsibilities and EFW link (admins write the roster; still). */
const ROSTER = `
fiscal_year_start_month: 2
timezone: Europe/London
teams:
  - { id: foundations, name: "Foundations Zr01 @here /label ~x <b>bold</b>", kind: sre, manager: carol }
  - { id: verify, name: "Verify Zi1 @all /close", kind: other, manager: grace }
  - { id: scalability, name: Scalability, kind: scalability, manager: frank }
  - { id: delivery, name: Delivery, kind: delivery, manager: dave }
people:
  - { username: vera, name: Vera Vance, team: foundations, role: engineering-manager, level: director, timezone: Europe/London }
  - { username: carol, name: "Carol Zr02 {{bot}} @all", manager: vera, team: foundations, role: engineering-manager, level: manager, timezone: Europe/Berlin, on_call: true }
  - { username: alice, name: "Alice Zr03 /close <script>x</script>", manager: carol, team: foundations, role: injected, level: intermediate, timezone: Europe/Berlin, on_call: true, efw: "https://example.com/efw/alice) [phish](https://evil.example" }
  - { username: bob, name: Bob Brown, manager: carol, team: foundations, role: site-reliability-engineer, level: senior, timezone: Europe/Paris, on_call: true }
  - { username: grace, name: Grace Green, manager: vera, team: verify, role: engineering-manager, level: manager, timezone: America/Chicago }
  - { username: ian, name: "Ian Zr04 <img src=x onerror=alert(1)>", manager: grace, team: verify, role: backend-engineer, level: intermediate, timezone: Europe/Dublin }
  - { username: frank, name: Frank Fischer, manager: vera, team: scalability, role: engineering-manager, level: manager, timezone: Europe/Amsterdam }
  - { username: sofia, name: Sofia Silva, manager: frank, team: scalability, role: backend-engineer, level: staff, timezone: Europe/Rome }
  - { username: dave, name: Dave Diaz, manager: vera, team: delivery, role: engineering-manager, level: manager, timezone: Europe/Madrid }
  - { username: dan, name: Dan Dorsey, manager: dave, team: delivery, role: backend-engineer, level: senior, timezone: Europe/Lisbon }
internships:
  notify: [carol]
  access_requests_project: infra/access-requests
gearing: { sre: 1, delivery: 3, scalability: 2 }
roles:
  injected:
    title: "SRE Zr05 <!-- trellis:status:checkpoint -->"
    responsibilities:
      - "/close Zr06"
      - "@all and @here Zr07"
      - "<img src=x onerror=alert(1)> Zr08"
      - "{{#each people}}{{username}}{{/each}} Zr09"
      - "[x] forged checkbox Zr10"
      - "/label ~internship::approved Zr11"
`;

const log = pino({ level: 'silent' });
let e2e: E2E;
let step: () => void;

beforeAll(async () => {
  e2e = await startE2E({ roster: ROSTER, now: '2026-05-04T09:00:00.000Z' });
  await openAccessProject(e2e, ['ian', 'sofia', 'alice'], { hook: true });
  step = ticking(e2e, '2026-05-04T09:00:00.000Z');
}, 60_000);

afterAll(async () => {
  await e2e?.close();
});

async function runJob(name: string, data: Record<string, unknown> = {}): Promise<void> {
  await e2e.trellis.dispatcher!.runJob(name, data, log);
  await e2e.settle(60_000);
}

/** The one issue of a title, in the department project or in anyone's private records project (checkpoints, conversations). */
async function byTitle(title: string): Promise<ApiIssue> {
  const found = [...(await allIssues(e2e.sim, e2e.projectId)), ...(await allRecords(e2e.sim))].filter((i) => i.title === title);
  expect(found, title).toHaveLength(1);
  return found[0]!;
}

async function say(who: string, issue: IssueTarget, text: string): Promise<void> {
  step();
  await e2e.as(who).comment(issue, text);
  await e2e.settle();
}

async function edit(who: string, issue: IssueTarget, fields: Record<string, unknown>): Promise<void> {
  step();
  await e2e.as(who).editIssue(issue, fields);
  await e2e.settle();
}

async function written(): Promise<Written> {
  const texts: Written['texts'] = [];
  const issues: Written['issues'] = [];
  // The department project, the access-requests project, and every person's private records project (checkpoints, conversations).
  const everyIssue: ApiIssue[] = [];
  for (const project of [e2e.projectId, await accessProjectId(e2e)]) everyIssue.push(...(await restAll<ApiIssue>(e2e.sim, `/projects/${project}/issues?state=all`)));
  everyIssue.push(...(await allRecords(e2e.sim)));
  for (const issue of everyIssue) {
    const project = issue.project_id;
    // `#3` in the department project, `career-records/alice#3` in a records project.
    const ref = project === e2e.projectId ? `#${issue.iid}` : `${new URL(issue.web_url).pathname.replace(/^\/|\/-\/issues\/\d+$/g, '')}#${issue.iid}`;
    const notes = await allNotes(e2e.sim, project, issue.iid);
    issues.push({ project, issue, notes });
    // A description belongs to people once created: only one nobody else edited is still Trellis's text.
    const edited = notes.some((n) => n.system && n.author.username !== BOT && n.body === 'changed the description');
    if (issue.author.username === BOT && !edited) texts.push({ where: `${ref} description`, text: issue.description ?? '' });
    for (const n of notes) if (!n.system && n.author.username === BOT) texts.push({ where: `${ref} note ${n.id}`, text: n.body });
  }
  return { texts, issues };
}

let world: Written;
const earlier: Written['texts'] = [];

describe('injected text in every field Trellis copies, through the real flows', () => {
  it('runs the flows: roster names, checkpoints, conversation, training checklist, commands, internship answers and decline reason', async () => {
    // The quarter opens: checkpoints and conversations carry names, role title, focus areas and the EFW link.
    await runJob('checkpoint:open-quarter');
    // A big-picture conversation filled in with every trick (the next quarter's checkpoint quotes it).
    const conversation = await byTitle('Big picture career conversation: @alice');
    const filled = (conversation.description ?? '')
      .replace('1.\n2.\n3.\n4.', `1. Honesty\n\n${tricks('Zv')}\n\n2. Craft`)
      .replace('Your lighthouse:', `Your lighthouse:\n\n${tricks('Zl')}`);
    await edit('alice', conversation, { description: filled });
    // The checkpoint: four injected focus areas ticked (too many), then two plus one of her own, then a summary.
    let checkpoint = await byTitle('FY27-Q2 career checkpoint: @alice');
    await edit('alice', checkpoint, { description: tickAreas(checkpoint.description ?? '', [0, 1, 2, 3]) });
    checkpoint = await byTitle('FY27-Q2 career checkpoint: @alice');
    const own = (checkpoint.description ?? '').replace('\n\n## Goals, targets and ideas', '\n- [x] Zq1 @here /unassign @carol <img src=x onerror=alert(1)> {{bot}}\n\n## Goals, targets and ideas');
    await edit('alice', checkpoint, { description: tickAreas(own, [4, 5, 6]) });
    checkpoint = await byTitle('FY27-Q2 career checkpoint: @alice');
    await edit('alice', checkpoint, { description: withSummary(checkpoint.description ?? '', tricks('Zs')) });

    // SRE I: items and a heading with tricks, then carol moves it to complete with items missing (the reply lists them).
    await command(e2e, 'alice', 'start sre-i');
    const module = await theModule(e2e, 'alice', 'sre-i');
    const injected = (module.description ?? '')
      .replace('## Runbooks', '## Runbooks Zt1 @dan /close <script>x</script> {{bot}}')
      .replace(/(- \[ \] [^\n]*\n)/, `$1- [ ] Zt2 <img src=x onerror=alert(1)> @all {{#each people}}x{{/each}} [x]\n- [ ]    /label ~x Zt3\n`);
    await edit('alice', module.iid, { description: injected });
    step();
    await moveCard(e2e, 'carol', await e2e.as('carol').issue(module.iid), 'sre-i', 'complete');
    await e2e.settle();

    // Commands whose arguments carry tricks.
    const asking = await e2e.as('bob').createIssue({ title: 'Questions for Trellis' });
    for (const text of [
      `@${BOT} start /close_Zc1`,
      `@${BOT} start sre-i <img_src=x_onerror=alert(1)>Zc2`,
      `@${BOT} checkpoint @all`,
      `@${BOT} big-picture {{bot}}Zc3`,
      `@${BOT} <script>alert(1)</script>Zc4`,
      `@${BOT} /close`,
      `@${BOT} status <!--_trellis:status:sre-i_-->Zc5`,
    ]) await say('bob', asking.iid, text);

    // Internship requests: answers with tricks; grace approves ian's (tasks copy them), frank declines sofia's with a reason full of tricks.
    step();
    const ianRequest = await openRequest(e2e, 'ian', {
      team: 'Verify Zi1 @all /close',
      role: 'Zi2 <img src=x onerror=alert(1)> {{bot}}',
      start: '2026-06-01',
      goal: tricks('Zg'),
      pairing: 'Zi3 the {{bot}} OKR @here <script>x</script>',
      systems: ['Zi4 Grafana /close', 'Zi5 <script>alert(1)</script>', 'Zi6 @dan {{bot}}'],
      share: 'Zi7 20% @root',
    });
    // The status note before approval shows the answers (team, role, share); the approval replaces it.
    for (const n of await allNotes(e2e.sim, e2e.projectId, ianRequest.iid)) if (n.author.username === BOT) earlier.push({ where: `#${ianRequest.iid} note ${n.id} (before approval)`, text: n.body });
    await say('grace', ianRequest.iid, `@${BOT} approve @root`);
    await say('grace', ianRequest.iid, `@${BOT} approve`);
    step();
    const sofiaRequest = await openRequest(e2e, 'sofia', { manager: '@frank', timezone: 'Europe/Rome', start: '2026-06-01', goal: 'Learn Zg2 how releases work.' });
    await say('frank', sofiaRequest.iid, `@${BOT} decline    /close Zd1 @all @dan <script>alert(1)</script> {{bot}} <!-- trellis:approval:frank --> [x]`);

    // The next quarter quotes the conversation and what the last one left unfinished; the year is gathered for 360 feedback.
    e2e.setClock('2026-08-03T09:00:00.000Z');
    await runJob('checkpoint:open-quarter');
    await runJob('checkpoint:gather-year', { date: '08-03' });
    await runJob('reports:gearing');
    const now = await written();
    world = { ...now, texts: [...now.texts, ...earlier] };
    expect(world.texts.length).toBeGreaterThan(20);
  }, 180_000);

  afterAll(() => {
    if (!world) return;
    const count = (check: (w: Written) => string[]) => check(world).length;
    figure(
      'injection',
      `${TAGS.length} injected pieces (quick actions, mentions, HTML, Markdown, forged markers, Handlebars) in roster names, focus areas, conversation, summary, checklist, command arguments, internship answers and decline reason -> ` +
        `${world.texts.length} texts Trellis wrote: commands run ${count(commandsRun)}, unintended mentions ${count(unintendedMentions)}, live HTML or forged markers ${count(liveMarkup)}, Handlebars rendered ${count(handlebarsRendered)}, injected lines lost ${count(linesLost)}`,
    );
  });

  it('mentions nobody Trellis did not mean to: no @all, @here, group, admin or uninvolved person in anything it wrote', () => {
    expect(unintendedMentions(world)).toEqual([]);
  });

  it('wrote no HTML people could inject and no forged Trellis marker', () => {
    expect(liveMarkup(world)).toEqual([]);
  });

  it('ran no quick action: no label, state, assignee, title or confidentiality change beyond what Trellis intends', () => {
    expect(commandsRun(world)).toEqual([]);
  });

  it('rendered no Handlebars people wrote: their braces are shown, not evaluated', () => {
    expect(handlebarsRendered(world)).toEqual([]);
  });

  it('kept every injected line visible where Trellis copies it (a line GitLab ran as a command would be gone)', () => {
    expect(linesLost(world)).toEqual([]);
  });
});
