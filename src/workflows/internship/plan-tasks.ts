import type { Action } from '../../core/actions.js';
import { addDays } from '../../core/fiscal-quarter.js';
import { inlineText, mention, quoteBlock } from '../../core/markdown-safety.js';
import { findPerson } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import type { IssueDraft } from '../../core/gitlab-port.js';
import { planCreateModule } from '../training/plan-create-module.js';
import type { ModuleTemplates } from '../training/plan-create-module.js';
import { nextAttempt } from '../training/training-module.js';
import type { ModuleKind, ModuleSummary } from '../training/training-module.js';
import type { CheckedRequest } from './check-request.js';
import { prepareBy } from './internship-dates.js';
import { TASK_KINDS, TASK_LABEL, taskMarker } from './internship-request.js';
import type { TaskKind } from './internship-request.js';
import { trainingStanding } from './request-training.js';
import { TASK_NAMES, who } from './request-status.js';

/**
 * The issues an approval creates: one `internship-task` issue per way of working chosen (assigned,
 * due, linked), an access request in the roster's access-requests project when systems were listed,
 * and the SRE I / SRE II modules the requester has not started, made by the training workflow's own
 * planner so they are ordinary modules. Each carries a marker, so a retry finds instead of creating.
 * What must be ready on day one (the access request, new modules) is due before the start
 * (internship-dates.ts, `prepareBy`); the rest is due with the internship.
 */

export interface TaskPlanInput {
  readonly requestIid: number;
  readonly request: CheckedRequest;
  /** The chosen on-call buddy (null when on-call shadowing was not asked for). */
  readonly buddy: string | null;
  /** The engineer the intern pairs with (null when pairing was not asked for or nobody was found). */
  readonly pairing: string | null;
  /** Today in the roster's time zone (`YYYY-MM-DD`): nothing is made due before it. */
  readonly today: string;
  /** Path of the records project, for references from the access-requests project. */
  readonly recordsProject: string;
  readonly roster: Roster;
  readonly bot: string;
  readonly modules: readonly ModuleSummary[];
  readonly templates: ModuleTemplates;
}

/** The `ref` of a task's ensure-issue in a plan. */
export function taskRef(kind: TaskKind): string {
  return `task-${kind}`;
}

/** The `ref` of a module an approval creates. */
export function moduleRef(kind: ModuleKind): string {
  return `module-${kind}`;
}

/** The tasks a checked request asks for, in status-note order. */
export function tasksWanted(request: CheckedRequest): TaskKind[] {
  const { ways, systems } = request.answers;
  const wanted: Record<TaskKind, boolean> = { 'on-call': ways.onCall, delivery: ways.delivery, pairing: ways.pairing, access: systems.length > 0 };
  return TASK_KINDS.filter((k) => wanted[k]);
}

/** Ensure, then link to the request, every task and missing module; link modules that exist already. */
export function planTasks(input: TaskPlanInput): Action[] {
  const { requestIid, request, roster, bot } = input;
  const learner = request.requester.username;
  const accessProject = input.roster.internships.accessRequestsProject;
  const actions: Action[] = [];
  for (const kind of tasksWanted(request)) {
    const project = kind === 'access' ? accessProject : undefined;
    actions.push(
      { kind: 'ensure-issue', ref: taskRef(kind), marker: taskMarker(requestIid, kind), draft: taskDraft(kind, input, project !== undefined), ...(project ? { project } : {}) },
      { kind: 'link-issues', issue: { iid: requestIid }, target: { ref: taskRef(kind) } },
    );
  }
  for (const s of trainingStanding(input.modules, learner)) {
    if (s.iid !== null) {
      actions.push({ kind: 'link-issues', issue: { iid: requestIid }, target: { iid: s.iid } });
      continue;
    }
    const ref = moduleRef(s.kind);
    // A new module is due before the start, as the handbook recommends finishing both first; a module
    // that exists already keeps the dates its learner and manager gave it.
    const due = prepareBy(request.start, input.today);
    const made = planCreateModule({ ref, kind: s.kind, learner, attempt: nextAttempt(input.modules, s.kind, learner), templates: input.templates, roster, bot });
    actions.push(...made.map((a): Action => (a.kind === 'ensure-issue' && a.ref === ref ? { ...a, draft: { ...a.draft, dueDate: due } } : a)));
    actions.push({ kind: 'link-issues', issue: { iid: requestIid }, target: { ref } });
  }
  return actions;
}

function taskDraft(kind: TaskKind, input: TaskPlanInput, elsewhere: boolean): IssueDraft {
  const { request: r, roster, requestIid } = input;
  const learner = r.requester.username;
  const requestRef = elsewhere ? `${input.recordsProject}#${requestIid}` : `#${requestIid}`;
  const intro = `Part of ${who(learner, roster)}'s internship with Reliability Engineering (request ${requestRef}), from ${r.start} to ${r.end}.`;
  const close = `Close this issue when it is done: Trellis updates the request, and completes the internship when every task is closed.`;
  const base = { labels: [TASK_LABEL], confidential: false } as const;
  switch (kind) {
    case 'on-call': {
      const buddy = input.buddy ?? learner;
      return {
        ...base,
        title: `${TASK_NAMES['on-call']}: ${learner} with ${buddy} (internship #${requestIid})`,
        assignees: input.buddy ? [learner, input.buddy] : [learner],
        dueDate: addDays(r.start, 14),
        description: [
          intro,
          '',
          `${who(learner, roster)} shadows ${who(buddy, roster)} on call for two weeks, from ${r.start} to ${addDays(r.start, 14)}, in ${inlineText(r.timezone)}.`,
          '',
          `- [ ] Agree which shifts to shadow, and join the handover at the start of each.`,
          '- [ ] Follow every page during those shifts; ask the buddy to narrate what they check first.',
          '- [ ] Join the incident channel and one incident review.',
          '- [ ] Write down three things learned, here, before closing.',
          '',
          close,
        ].join('\n'),
      };
    }
    case 'delivery': {
      const managers = roster.teams.filter((t) => t.kind === 'delivery').map((t) => t.manager);
      return {
        ...base,
        title: `${TASK_NAMES.delivery}: ${learner} (internship #${requestIid})`,
        assignees: [learner],
        dueDate: r.end,
        description: [
          intro,
          '',
          `${who(learner, roster)} shadows the Delivery team to learn how releases reach production.${managers.length > 0 ? ` ${managers.map((m) => mention(m)).join(' ')}: please pair them with someone for a release.` : ''}`,
          '',
          '- [ ] Follow one release from the release candidate to production, with the release manager.',
          '- [ ] Watch a deployment through its stages and learn how it is rolled back.',
          '- [ ] Read the last post-deployment issue and discuss it with the Delivery team.',
          '',
          close,
        ].join('\n'),
      };
    }
    case 'pairing': {
      const topic = r.answers.pairingTopic;
      const engineer = input.pairing;
      return {
        ...base,
        title: `${TASK_NAMES.pairing}: ${learner}${engineer ? ` with ${engineer}` : ''} (internship #${requestIid})`,
        assignees: engineer ? [learner, engineer] : [learner],
        dueDate: r.end,
        description: [
          intro,
          '',
          `${who(learner, roster)} pairs with ${engineer ? `${who(engineer, roster)}, confirmed by ${who(r.manager, roster)} with the approval,` : 'a Reliability engineer'} on an issue or OKR.${topic !== '' ? ` They suggested: ${inlineText(topic, 200)}` : ' Link the issue or OKR here once chosen.'}`,
          '',
          'What they want to learn:',
          '',
          quoteBlock(r.answers.goal),
          '',
          '- [ ] Choose the issue or OKR with the team and link it here.',
          '- [ ] Pair regularly (the share of time agreed with the manager) until it is done.',
          '',
          close,
        ].join('\n'),
      };
    }
    case 'access': {
      const assignees = accessAssignees(r, roster);
      const due = prepareBy(r.start, input.today);
      return {
        ...base,
        title: `${TASK_NAMES.access}: ${learner} (internship ${input.recordsProject}#${requestIid})`,
        assignees,
        dueDate: due,
        description: [
          intro,
          '',
          `Access ${who(learner, roster)} needs for the internship, approved by their manager ${who(r.manager, roster)} with the internship:`,
          '',
          ...r.answers.systems.map((s) => `- [ ] ${inlineText(s, 120)}`),
          '',
          `**Who does what.** ${assignees.length > 0 ? `${assignees.map((u) => who(u, roster)).join(', ')}, Reliability Engineering's contacts for internships` : 'Reliability Engineering'}: grant each access (read-only where it is enough) or pass it to the system's owner, and tick it above once ${inlineText(learner)} can log in: by ${due}, so it works on the first day (${r.start}). ${who(r.manager, roster)} has approved the list; ask them if something on it is unclear. Remove the access when the internship ends on ${r.end}.`,
          '',
          close,
        ].join('\n'),
      };
    }
  }
}

/**
 * Who an access request is assigned to. It lives in the roster's access-requests project, and GitLab
 * silently drops assignees who cannot read that project, so the requester (often from another
 * department) and their manager would leave it assigned to nobody. Reliability Engineering's
 * internship contacts (`internships.notify`, on the roster) are the people the department names for
 * internships: they can grant or route each access, and the access-requests project is theirs to be
 * members of (docs/workflows.md#the-workflows says so). The manager has already approved the list
 * with the internship, so nothing is left for them to do. With no contact on the roster, the
 * managers of the Reliability (`sre`) teams stand in.
 */
export function accessAssignees(r: CheckedRequest, roster: Roster): string[] {
  const requester = r.requester.username.toLowerCase();
  const contacts = roster.internships.notify.flatMap((u) => findPerson(roster, u)?.username ?? []);
  const fallback = roster.teams.filter((t) => t.kind === 'sre').map((t) => t.manager);
  const chosen = (contacts.length > 0 ? contacts : fallback).filter((u) => u.toLowerCase() !== requester);
  return [...new Set(chosen)];
}
