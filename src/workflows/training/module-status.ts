import { inlineText } from '../../core/markdown-safety.js';
import { findMarkers, renderMarker, marker } from '../../core/markers.js';
import type { Checklist, ChecklistItem } from '../../core/parse-checklist.js';
import { findPerson } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import { helpers } from '../../core/template-helpers.js';
import { moduleName, stateLabel } from './training-module.js';
import type { ChecklistState, ModuleKind, ModuleState } from './training-module.js';

/**
 * What Trellis says about a module's progress: the state its checklist implies, the status note
 * (edited in place), and the lists of missing items in refusals. The note depends only on counts,
 * section titles, state and names, so an edit that ticks nothing renders the same text and the
 * executor writes nothing.
 */

/** Who signed a module off and when (ISO time): recorded in the status note, read back by {@link parseSignOff}. */
export interface SignOff {
  readonly by: string;
  readonly at: string;
}

/** The board column a checklist implies: none ticked, some ticked, or every required item ticked. */
export function checklistState(c: Checklist): ChecklistState {
  const anyTicked = c.items.some((i) => i.checked);
  if (c.requiredDone >= c.requiredTotal && (c.requiredTotal > 0 || anyTicked)) return 'review';
  return anyTicked ? 'in-progress' : 'not-started';
}

/** True when every required item is ticked (and there is at least one item). */
export function allRequiredDone(c: Checklist): boolean {
  return c.items.length > 0 && c.requiredDone >= c.requiredTotal;
}

/** Required items not ticked yet, in checklist order. */
export function missingItems(c: Checklist): ChecklistItem[] {
  return c.items.filter((i) => i.required && !i.checked);
}

/** A Markdown list of the first `limit` missing items (section: text), escaped, with a count of the rest. */
export function renderMissing(c: Checklist, limit = 10): string {
  const missing = missingItems(c);
  const lines = missing.slice(0, limit).map((i) => `- ${i.section ? `${inlineText(i.section, 60)}: ` : ''}${inlineText(i.text, 140)}`);
  if (missing.length > limit) lines.push(`- … and ${missing.length - limit} more`);
  return lines.join('\n');
}

/** `▓▓▓░░░░░░░ 30%`, the same bar templates draw with `{{progressBar}}`. */
export function progressBar(done: number, total: number): string {
  // The helper takes Handlebars' options object last; an empty one stands in for it.
  return String(helpers.progressBar(done, total, 10, {}));
}

/** The per-section table of a status note or a `status` reply. */
export function progressTable(c: Checklist): string {
  const rows = c.sections.map((s) => {
    const title = s.title === '' ? '(before the first section)' : inlineText(s.title, 80);
    const cell = s.total === 0 ? 'optional only' : `${progressBar(s.done, s.total)}${s.done === s.total ? ' ✓' : ''}`;
    return `| ${title} | ${s.done}/${s.total} | ${cell} |`;
  });
  return ['| Section | Done | Progress |', '|:--|--:|:--|', ...rows].join('\n');
}

/** One line: where the learner goes next, from counts only (which section is first unfinished). */
export function nextStep(c: Checklist): string {
  const section = c.sections.find((s) => s.done < s.total);
  if (!section) return 'every required item is ticked.';
  const left = section.total - section.done;
  const title = section.title === '' ? 'the items before the first section' : inlineText(section.title, 80);
  return `${title}, ${left} required item${left === 1 ? '' : 's'} left there (${c.requiredTotal - c.requiredDone} in all).`;
}

/** Everything the status note shows. */
export interface StatusNoteInput {
  readonly kind: ModuleKind;
  readonly learner: string;
  readonly checklist: Checklist;
  /** The label the module will carry after this plan. */
  readonly state: ModuleState;
  readonly closed: boolean;
  readonly signOff: SignOff | null;
  readonly roster: Roster;
  readonly bot: string;
}

/** The body of Trellis's status note on a module. */
export function statusNoteBody(input: StatusNoteInput): string {
  const { kind, checklist: c, roster } = input;
  const learner = findPerson(roster, input.learner);
  const manager = learner?.manager ? findPerson(roster, learner.manager) : undefined;
  const who = (username: string, name: string | undefined) => (name ? `${inlineText(name, 60)} (${inlineText(username)})` : inlineText(username));
  const mentorLine = learner?.manager ? `Mentor: ${who(learner.manager, manager?.name)}` : 'Mentor: nobody (no manager on the roster, so nobody can sign off)';
  const optional = c.optionalTotal > 0 ? ` · optional: ${c.optionalDone} of ${c.optionalTotal}` : '';
  const signOffHow = `moving this issue to \`${stateLabel(kind, 'complete')}\` or commenting \`@${input.bot} sign-off\``;
  const lines = [
    `### ${moduleName(kind)} training: ${input.state.replace('-', ' ')}`,
    '',
    `Learner: ${who(input.learner, learner?.name)} · ${mentorLine}`,
    '',
    `**Required items: ${c.requiredDone} of ${c.requiredTotal}** \`${progressBar(c.requiredDone, c.requiredTotal)}\`${optional}`,
    '',
    progressTable(c),
    '',
    ...stateParagraph(input, signOffHow),
  ];
  if (input.signOff) lines.push('', renderMarker(marker('signed-off', `${input.signOff.by}/${input.signOff.at}`)));
  return lines.join('\n');
}

function stateParagraph(input: StatusNoteInput, signOffHow: string): string[] {
  const { checklist: c, roster } = input;
  const managerName = findPerson(roster, input.learner)?.manager;
  if (input.state === 'complete' && input.signOff) {
    const by = findPerson(roster, input.signOff.by);
    return [`**Signed off** by ${by ? `${inlineText(by.name, 60)} (${inlineText(by.username)})` : inlineText(input.signOff.by)} on ${formatTime(input.signOff.at)}.`];
  }
  const out: string[] = [];
  if (input.closed) out.push('This issue is closed without a sign-off. Reopen it to carry on; the labels keep following the checklist.', '');
  if (input.state === 'review') {
    out.push(
      managerName
        ? `**Ready for sign-off.** ${inlineText(managerName)}: every required item is ticked. Please review the work with ${inlineText(input.learner)} and sign off by ${signOffHow}.`
        : '**Every required item is ticked**, but the learner has no manager on the roster to sign off.',
    );
  } else {
    out.push(`**Next:** ${nextStep(c)}`);
  }
  out.push('', `<sub>Trellis keeps this note and the \`${input.kind}::\` label in step with the checklist. When every required item is ticked, the mentor signs off by ${signOffHow}.</sub>`);
  return out;
}

/** `2026-03-09 14:41 UTC` */
export function formatTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return inlineText(iso);
  return `${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 16)} UTC`;
}

/** Who signed off and when, as recorded in a status note; null when the note records no sign-off. */
export function parseSignOff(noteBody: string): SignOff | null {
  const record = findMarkers(noteBody).find((m) => m.kind === 'signed-off');
  if (!record) return null;
  const at = record.key.indexOf('/');
  if (at <= 0) return null;
  return { by: record.key.slice(0, at), at: record.key.slice(at + 1) };
}
