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
import { ofKind } from './training-fixtures.js';

function checked(answers: Answers = {}): CheckedRequest {
  const result = checkRequest(parseRequest(requestText(answers)), 'ian', demoRoster(), new Date('2026-04-01T10:00:00Z'));
  if (!result.request) throw new Error(JSON.stringify(result.problems));
  return result.request;
}

function drafts(answers: Answers = {}, roster = demoRoster()) {
  const actions = planTasks({ requestIid: 12, request: checked(answers), buddy: answers.onCall === false ? null : 'alice', recordsProject: 'infra/career', roster, bot: BOT, modules: [], templates: moduleTemplates() });
  return ofKind(actions, 'ensure-issue').filter((a) => a.marker.kind === 'internship-task');
}

describe('the task issues an approval creates', () => {
  it('one per way of working chosen, plus an access request when systems are listed, each assigned and due', () => {
    const tasks = drafts({ delivery: true });
    expect(tasks.map((t) => [t.draft.title, t.draft.assignees, t.draft.dueDate, t.project ?? null])).toEqual([
      ['Shadow on-call: ian with alice (internship #12)', ['ian', 'alice'], '2026-05-18', null],
      ['Shadow the Delivery team: ian (internship #12)', ['ian'], '2026-06-15', null],
      ['Pair on an issue or OKR: ian (internship #12)', ['ian'], '2026-06-15', null],
      ['Access request: ian (internship infra/career#12)', ['ian'], '2026-06-15', 'infra/access-requests'],
    ]);
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
