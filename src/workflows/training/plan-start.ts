import type { Action } from '../../core/actions.js';
import { inlineText } from '../../core/markdown-safety.js';
import type { Command } from '../../core/parse-command.js';
import { usernameArg } from '../../core/parse-command.js';
import { findPerson, isManagerOf } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import type { Issue } from '../../core/gitlab-port.js';
import { planCreateModule } from './plan-create-module.js';
import type { ModuleTemplates } from './plan-create-module.js';
import { liveModules, MODULE_KINDS, moduleName, nextAttempt } from './training-module.js';
import type { ModuleKind, ModuleSummary } from './training-module.js';

/** A command's actions, and its part of the one reply, written once the actions ran (`refs`: issues they created). */
export interface CommandPlan {
  readonly actions: Action[];
  reply(refs: ReadonlyMap<string, Pick<Issue, 'iid'>>): string;
}

/** Who may start what for whom; everything a `start` command needs. */
export interface StartInput {
  readonly command: Command;
  readonly actor: string;
  readonly roster: Roster;
  readonly bot: string;
  /** Every module of the records project (listed by the handler). */
  readonly modules: readonly ModuleSummary[];
  readonly templates: ModuleTemplates;
  /** The ref for the issue this command creates; unique within one note. */
  readonly ref: string;
}

/** A reply with no actions. */
export function replyOnly(text: string): CommandPlan {
  return { actions: [], reply: () => text };
}

function isKind(value: string): value is ModuleKind {
  return (MODULE_KINDS as readonly string[]).includes(value);
}

/**
 * `start sre-i|sre-ii [@user]`: creates the learner's module, for the commenter or, when the
 * commenter is their manager, for `@user`. A learner with an open or signed-off module of that kind
 * gets a link instead. SRE II before SRE I is signed off only when the manager asks.
 */
export function planStart(input: StartInput): CommandPlan {
  const { command, actor, roster, bot, modules } = input;
  const usage = `Use \`@${bot} start sre-i\` or \`@${bot} start sre-ii\`, adding \`@username\` to start one for someone you manage.`;
  const kind = (command.args[0] ?? '').toLowerCase();
  if (!isKind(kind)) {
    return replyOnly(command.args[0] ? `There is no training module called “${inlineText(command.args[0], 40)}”. ${usage}` : `Which module? ${usage}`);
  }
  const named = command.args[1];
  const target = named === undefined ? actor : usernameArg(named);
  if (target === null) return replyOnly(`“${inlineText(named ?? '', 40)}” is not a username. ${usage}`);
  const person = findPerson(roster, target);
  if (!person) return replyOnly(`${inlineText(target)} is not on the roster, so Trellis cannot start a training module for them: nobody would be there to sign it off. Ask a manager to add them to \`.trellis/roster.yml\`.`);
  const learner = person.username;
  const byManager = isManagerOf(roster, actor, learner);
  if (learner.toLowerCase() !== actor.toLowerCase() && !byManager) {
    return replyOnly(`Only ${inlineText(learner)} or their manager${person.manager ? ` (${inlineText(person.manager)})` : ''} can start a training module for ${inlineText(learner)}.`);
  }
  if (!person.manager) return replyOnly(`${inlineText(learner)} has no manager on the roster, so nobody could sign off the module. Ask for the roster to name one first.`);

  const existing = liveModules(modules, kind, learner)[0];
  if (existing) {
    const where = existing.complete ? `completed it in #${existing.iid}` : `has one open: #${existing.iid} (${existing.state ?? 'no state label yet'})`;
    return replyOnly(`${inlineText(learner)} already ${where}, so Trellis did not start another ${moduleName(kind)} module.`);
  }
  let caveat = '';
  if (kind === 'sre-ii') {
    const first = liveModules(modules, 'sre-i', learner)[0];
    if (!first?.complete) {
      const status = first ? `SRE I (#${first.iid}) is not signed off yet` : 'SRE I has not been started';
      if (!byManager) {
        return replyOnly(
          `SRE II follows SRE I, and ${inlineText(learner)}'s ${status}. Only their manager (${inlineText(person.manager)}) can start SRE II first, with \`@${bot} start sre-ii @${learner}\`.`,
        );
      }
      caveat = ` ${inlineText(learner)}'s ${status}; SRE II starts first because you, their manager, asked.`;
    }
  }
  const actions = planCreateModule({ ref: input.ref, kind, learner, attempt: nextAttempt(modules, kind, learner), templates: input.templates, roster, bot });
  return {
    actions,
    reply(refs) {
      const created = refs.get(input.ref);
      const which = created ? `#${created.iid}` : 'a new issue';
      return `Started ${inlineText(learner)}'s ${moduleName(kind)} training module: ${which}, assigned to ${inlineText(learner)} with ${inlineText(person.manager ?? '')} as mentor.${caveat}`;
    },
  };
}
