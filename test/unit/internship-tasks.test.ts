import { describe, expect, it } from 'vitest';
import { containsQuickAction } from '../../src/core/markdown-safety.js';
import { markerId, renderMarker } from '../../src/core/markers.js';
import { checkRequest } from '../../src/workflows/internship/check-request.js';
import type { CheckedRequest } from '../../src/workflows/internship/check-request.js';
import { identifyTask, isRequest, taskMarker, TEMPLATE_MARKER } from '../../src/workflows/internship/internship-request.js';
import { parseRequest } from '../../src/workflows/internship/parse-request.js';
import { planTasks } from '../../src/workflows/internship/plan-tasks.js';
import { moduleTemplates } from './training-fixtures.js';
import { BOT, demoRoster, requestText } from './internship-fixtures.js';
import type { Answers } from './internship-fixtures.js';
import { moduleIssue, modules, ofKind } from './training-fixtures.js';

function checked(answers: Answers = {}): CheckedRequest {
  const result = checkRequest(parseRequest(requestText(answers)), 'ian', demoRoster(), new Date('2026-04-01T10:00:00Z'));
  if (!result.request) throw new Error(JSON.stringify(result.problems));
  return result.request;
}

function plan(answers: Answers = {}, roster = demoRoster(), opts: { today?: string; pairing?: string | null } = {}) {
  return planTasks({ requestIid: 12, request: checked(answers), buddy: answers.onCall === false ? null : 'alice', pairing: opts.pairing === undefined ? 'bob' : opts.pairing, today: opts.today ?? '2026-04-01', recordsProject: 'infra/career', roster, bot: BOT, modules: [], templates: moduleTemplates() });
}

function drafts(answers: Answers = {}, roster = demoRoster(), opts: { today?: string; pairing?: string | null } = {}) {
  return ofKind(plan(answers, roster, opts), 'ensure-issue').filter((a) => a.marker.kind === 'internship-task');
}

describe('the task issues an approval creates', () => {
  it('one per way of working chosen, plus an access request when systems are listed, each assigned and due', () => {
    const tasks = drafts({ delivery: true });
    expect(tasks.map((t) => [t.draft.title, t.draft.assignees, t.draft.dueDate, t.project ?? null])).toEqual([
      ['Shadow on-call: ian with alice (internship #12)', ['ian', 'alice'], '2026-05-18', null],
      ['Shadow the Delivery team: ian (internship #12)', ['ian'], '2026-06-15', null],
      ['Pair on an issue or OKR: ian with bob (internship #12)', ['ian', 'bob'], '2026-06-15', null],
      // Reliability Engineering's internship contacts, three working days before Monday 2026-05-04.
      ['Access request: ian (internship infra/career#12)', ['carol', 'erin'], '2026-04-29', 'infra/access-requests'],
    ]);
  });

  it('the pairing task names the engineer the manager confirmed; without one it is the requester\'s alone', () => {
    const pairing = drafts().find((t) => t.marker.key.endsWith('/pairing'));
    expect(pairing?.draft.description).toContain('Ian Ito (ian) pairs with Bob Brown (bob), confirmed by Grace Green (grace) with the approval, on an issue or OKR.');
    expect(pairing?.draft.description).not.toMatch(/@bob\b/);
    const alone = drafts({}, demoRoster(), { pairing: null }).find((t) => t.marker.key.endsWith('/pairing'));
    expect([alone?.draft.title, alone?.draft.assignees]).toEqual(['Pair on an issue or OKR: ian (internship #12)', ['ian']]);
  });

  it('the access request is assigned to the internship contacts on the roster (members of its project), never the requester, and says who does what', () => {
    const access = drafts().find((t) => t.marker.key.endsWith('/access'));
    expect(access?.draft.description).toContain('**Who does what.** Carol Chen (carol), Erin Evans (erin), Reliability Engineering\'s contacts for internships: grant each access');
    expect(access?.draft.description).toContain('by 2026-04-29, so it works on the first day (2026-05-04). Grace Green (grace) has approved the list');
    // A contact who is not on the roster may not be a GitLab user at all (an unknown assignee fails the write), and the requester is never assigned their own request.
    const roster = demoRoster();
    const odd = { ...roster, internships: { ...roster.internships, notify: ['ghost', 'ian', 'erin'] } };
    expect(drafts({}, odd).find((t) => t.marker.key.endsWith('/access'))?.draft.assignees).toEqual(['erin']);
    // With no contacts, the managers of the Reliability teams.
    const none = { ...roster, internships: { ...roster.internships, notify: [] } };
    expect(drafts({}, none).find((t) => t.marker.key.endsWith('/access'))?.draft.assignees).toEqual(['carol', 'erin']);
  });

  it.each([
    ['weeks ahead: three working days before the Monday start, over the weekend', '2026-04-01', '2026-05-04', '2026-04-29'],
    ['a Thursday start: the Monday before', '2026-04-01', '2026-05-07', '2026-05-04'],
    ['approved two days before the start: today, never in the past', '2026-05-01', '2026-05-04', '2026-05-01'],
    ['approved after the start: today', '2026-05-06', '2026-05-04', '2026-05-06'],
  ])('what must be ready on day one (access, new training modules) is due before the start: %s', (_, today, start, due) => {
    const actions = plan({ start }, demoRoster(), { today });
    const dues = ofKind(actions, 'ensure-issue')
      .filter((a) => a.marker.key.endsWith('/access') || a.marker.kind === 'sre-i' || a.marker.kind === 'sre-ii')
      .map((a) => a.draft.dueDate);
    expect(dues).toEqual([due, due, due]);
  });

  it('training modules that exist already are linked, not made again, and keep their own dates', () => {
    const existing = modules(moduleIssue('sre-i', 'ian', { iid: 4 }));
    const actions = planTasks({ requestIid: 12, request: checked(), buddy: 'alice', pairing: 'bob', today: '2026-04-01', recordsProject: 'infra/career', roster: demoRoster(), bot: BOT, modules: existing, templates: moduleTemplates() });
    expect(ofKind(actions, 'ensure-issue').filter((a) => a.marker.kind.startsWith('sre-')).map((a) => [a.marker.kind, a.draft.dueDate])).toEqual([['sre-ii', '2026-04-29']]);
    expect(ofKind(actions, 'link-issues').some((a) => 'iid' in a.target && a.target.iid === 4)).toBe(true);
  });

  it('ways not chosen and an empty access list create nothing', () => {
    expect(drafts({ onCall: false, pairing: false, delivery: true, systems: [] }).map((t) => markerId(t.marker))).toEqual(['internship-task:12/delivery']);
  });

  it('without an access-requests project on the roster, the access request is made in the records project', () => {
    const roster = { ...demoRoster(), internships: { notify: ['carol'] } };
    const access = drafts({}, roster).find((t) => t.marker.key.endsWith('/access'));
    expect(access?.project).toBeUndefined();
  });

  it('the Delivery task asks the Delivery managers to pair the intern with someone', () => {
    const delivery = drafts({ delivery: true }).find((t) => t.marker.key.endsWith('/delivery'));
    expect(delivery?.draft.description).toContain('@dave: please pair them with someone for a release.');
  });

  it('the access request refers to the request across projects, and lists each system as an item', () => {
    const access = drafts().find((t) => t.marker.key.endsWith('/access'));
    expect(access?.draft.description).toContain('(request infra/career#12)');
    expect(access?.draft.description).toContain('- [ ] Grafana\n- [ ] Kibana');
  });

  it('what the requester wrote reaches task descriptions inert', () => {
    const tasks = drafts({ pairing: '/close @all', systems: ['/label ~x', '@dan prod'], goal: '/confidential\n@carol' });
    for (const t of tasks) {
      expect(containsQuickAction(t.draft.description), t.marker.key).toBe(false);
      expect(t.draft.description, t.marker.key).not.toMatch(/@(all|dan|carol)\b/);
    }
  });

  it('a task names its request in its marker, so closing it leads back, and a retry finds it', () => {
    const [first] = drafts();
    expect(first && markerId(first.marker)).toBe('internship-task:12/on-call');
    expect(identifyTask({ description: `text\n\n${renderMarker(taskMarker(12, 'access'))}\n` })).toEqual({ requestIid: 12, kind: 'access' });
    expect(identifyTask({ description: '<!-- trellis:internship-task:12/lunch -->' })).toBeNull();
    expect(identifyTask({ description: 'no marker' })).toBeNull();
  });

  it.each([
    ['made from the template', { description: `x\n${renderMarker(TEMPLATE_MARKER)}`, labels: [] }, true],
    ['labelled a request', { description: '', labels: ['internship-request'] }, true],
    ['given internship::requested', { description: '', labels: ['internship::requested'] }, true],
    ['a task', { description: renderMarker(taskMarker(12, 'pairing')), labels: ['internship-task'] }, false],
  ])('an issue %s is a request: %s', (_, issue, expected) => {
    expect(isRequest(issue)).toBe(expected);
  });
});
