import type { Action, IssueRef } from '../../core/actions.js';
import { inlineText, mention } from '../../core/markdown-safety.js';
import { parseChecklist } from '../../core/parse-checklist.js';
import { boardLink } from '../boards.js';
import { findPerson } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import { checklistState, statusNoteBody } from './module-status.js';
import { learnerMarker, moduleName, moduleTitle, stateLabel, statusMarker, TRAINING_LABEL, welcomeMarker } from './training-module.js';
import type { ModuleKind } from './training-module.js';

/**
 * The issue templates rendered for Trellis's own use (quick-action lines already dropped), and the
 * Training board's page when it exists (docs/boards.md), which the welcome reply links to.
 */
export type ModuleTemplates = Readonly<Record<ModuleKind, string>> & { readonly boardUrl?: string | null };

/**
 * The reply that introduces a module: the one place the mentor is mentioned at the start. A reply is
 * written once per marker, so however often creation or adoption is planned, the manager is pinged once.
 */
export function welcomeBody(kind: ModuleKind, learner: string, roster: Roster, bot: string, boardUrl?: string | null): string {
  const person = findPerson(roster, learner);
  const name = person ? `${inlineText(person.name, 60)} (${inlineText(person.username)})` : inlineText(learner);
  const how = `moving this issue to \`${stateLabel(kind, 'complete')}\` or commenting \`@${bot} sign-off\``;
  if (!person?.manager) return `${name} works through the ${moduleName(kind)} training module here. They have no manager on the roster, so nobody can sign it off until the roster names one.`;
  return [
    `${mention(person.manager)}, ${name} works through the ${moduleName(kind)} training module here, and you are their mentor for it as their manager.`,
    '',
    `${inlineText(person.username)} ticks items in the description as they go. Trellis moves this issue across the ${boardLink(boardUrl, 'Training board') || 'training board'}, keeps a status note below, and asks you to sign off when every required item is ticked. To sign off, review the work together, then sign off by ${how}.`,
  ].join('\n');
}

/**
 * Creates a learner's module from its template, or finds the one an earlier run created (by its
 * marker): assigned to the learner, labelled, with the welcome reply and the status note. The status
 * note is the one later description events render for the same text, so creating costs no later edit.
 */
export function planCreateModule(args: {
  readonly ref: string;
  readonly kind: ModuleKind;
  readonly learner: string;
  readonly attempt: number;
  readonly templates: ModuleTemplates;
  readonly roster: Roster;
  readonly bot: string;
}): Action[] {
  const { ref, kind, learner, roster, bot } = args;
  const description = args.templates[kind];
  const checklist = parseChecklist(description);
  const state = checklistState(checklist);
  const issue: IssueRef = { ref };
  return [
    {
      kind: 'ensure-issue',
      ref,
      marker: learnerMarker(kind, learner, args.attempt),
      draft: { title: moduleTitle(kind, learner), description, labels: [TRAINING_LABEL, stateLabel(kind, state)], assignees: [learner], confidential: false },
    },
    { kind: 'reply', issue, marker: welcomeMarker(kind), body: welcomeBody(kind, learner, roster, bot, args.templates.boardUrl) },
    {
      kind: 'upsert-note',
      issue,
      marker: statusMarker(kind),
      body: statusNoteBody({ kind, learner, checklist, state, closed: false, signOff: null, roster, bot }),
    },
  ];
}
