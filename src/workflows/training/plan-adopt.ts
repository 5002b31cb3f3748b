import type { Action } from '../../core/actions.js';
import { inlineText } from '../../core/markdown-safety.js';
import { marker } from '../../core/markers.js';
import { findPerson, isManagerOf } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import type { Issue } from '../../core/gitlab-port.js';
import { welcomeBody } from './plan-create-module.js';
import { correctionMarker, liveModules, MODULE_STATES, moduleName, moduleTitle, stateLabel, templateLearner, TRAINING_LABEL, welcomeMarker } from './training-module.js';
import type { ModuleKind, ModuleSummary } from './training-module.js';

/** An open issue made from a module template that Trellis has not adopted yet (its title is not canonical). */
export interface AdoptInput {
  readonly kind: ModuleKind;
  /** Read from GitLab, so assignees and author are known (note payloads carry neither). */
  readonly issue: Issue;
  readonly roster: Roster;
  readonly bot: string;
  readonly modules: readonly ModuleSummary[];
}

export type AdoptPlan =
  /** Then the module rules (plan-module-event) run for `learner` as for any module. */
  | { readonly kind: 'adopt'; readonly learner: string; readonly actions: Action[] }
  | { readonly kind: 'refuse'; readonly actions: Action[] };

/**
 * Adopting an issue a person made from the template, the same way `start` creates one: titled
 * `SRE I training: @learner`, assigned to the learner, labelled, the mentor welcomed once. Refused,
 * with a reply that says why, when the learner is not on the roster or has no manager; closed as a
 * duplicate when the learner already has an open or signed-off module of that kind (the older one
 * wins, so two made at once do not both close); closed when SRE II comes before SRE I is signed off
 * and its author is not the learner's manager.
 */
export function planAdopt(input: AdoptInput): AdoptPlan {
  const { kind, issue, roster, bot } = input;
  const learner = templateLearner(issue, roster);
  const person = findPerson(roster, learner);
  const target = { iid: issue.iid };
  const once = marker('adoption', kind);
  if (!person?.manager) {
    const why = person
      ? `${inlineText(person.username)} has no manager on the roster, so nobody could sign off this module.`
      : `${inlineText(learner)} is not on the roster, so nobody could sign off this module.`;
    return { kind: 'refuse', actions: [{ kind: 'reply', issue: target, marker: once, body: `Trellis does not track this ${moduleName(kind)} training module: ${why} Ask a manager to update \`.trellis/roster.yml\`, then edit this issue.` }] };
  }
  // Keyed by the issue's state, so each reopening that is refused again is told why again.
  const close = (body: string, link?: number): AdoptPlan => ({
    kind: 'refuse',
    actions: [
      { kind: 'reply', issue: target, marker: correctionMarker(issue, 'adoption-refused'), body },
      ...(link === undefined ? [] : [{ kind: 'link-issues', issue: target, target: { iid: link } } satisfies Action]),
      { kind: 'set-labels', issue: target, add: [], remove: [TRAINING_LABEL, ...MODULE_STATES.map((s) => stateLabel(kind, s))] },
      { kind: 'set-state', issue: target, state: 'closed' },
    ],
  });
  const earlier = liveModules(input.modules, kind, person.username).find((m) => m.iid !== issue.iid && (m.adopted || m.iid < issue.iid));
  if (earlier) {
    const where = earlier.complete ? `completed it in #${earlier.iid}` : `has one open: #${earlier.iid}`;
    return close(`${inlineText(person.username)} already ${where}, so Trellis closed this issue as a duplicate. Carry on in #${earlier.iid}.`, earlier.iid);
  }
  if (kind === 'sre-ii' && !isManagerOf(roster, issue.author, person.username)) {
    const first = liveModules(input.modules, 'sre-i', person.username)[0];
    if (!first?.complete) {
      const status = first ? `SRE I (#${first.iid}) is not signed off yet` : 'SRE I has not been started';
      return close(
        `SRE II follows SRE I, and ${inlineText(person.username)}'s ${status}, so Trellis closed this issue. Only their manager (${inlineText(person.manager)}) can start SRE II first, with \`@${bot} start sre-ii @${person.username}\`; or reopen this issue once SRE I is signed off.`,
      );
    }
  }
  const assigned = issue.assignees.some((a) => a.toLowerCase() === person.username.toLowerCase());
  return {
    kind: 'adopt',
    learner: person.username,
    actions: [
      { kind: 'update-issue', issue: target, title: moduleTitle(kind, person.username), ...(assigned ? {} : { assignees: [...issue.assignees, person.username] }) },
      { kind: 'set-labels', issue: target, add: [TRAINING_LABEL] },
      { kind: 'reply', issue: target, marker: welcomeMarker(kind), body: welcomeBody(kind, person.username, roster, bot) },
    ],
  };
}
