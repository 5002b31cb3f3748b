import { liveModules, MODULE_KINDS, moduleName } from '../training/training-module.js';
import type { ModuleKind, ModuleState, ModuleSummary } from '../training/training-module.js';

/**
 * Where a requester stands with SRE I and SRE II, read from their module issues (the training
 * workflow's records), not from what the request says: signed off, open, or not started at all.
 */

export type TrainingStatus = 'done' | 'in-progress' | 'missing';

export interface ModuleStanding {
  readonly kind: ModuleKind;
  readonly status: TrainingStatus;
  /** The module issue, when there is one. */
  readonly iid: number | null;
  readonly state: ModuleState | null;
}

/** SRE I then SRE II for `learner`: the module that counts (signed off, else open), if any. */
export function trainingStanding(modules: readonly ModuleSummary[], learner: string): ModuleStanding[] {
  return MODULE_KINDS.map((kind) => {
    const live = liveModules(modules, kind, learner);
    const module = live.find((m) => m.complete) ?? live[0];
    if (!module) return { kind, status: 'missing', iid: null, state: null };
    return { kind, status: module.complete ? 'done' : 'in-progress', iid: module.iid, state: module.state };
  });
}

/** What an open module's state means in words, so the text never contradicts the label beside it. */
const OPEN_STATE_WORDS: Record<Exclude<ModuleState, 'complete'>, string> = {
  'not-started': 'opened, not started',
  'in-progress': 'in progress',
  review: 'waiting for sign-off',
};

/**
 * "SRE I: done (#4)" / "SRE II: waiting for sign-off (#9, `sre-ii::review`)" / "SRE II: missing".
 * The words follow the module's label (an open module at `not-started` is not "in progress").
 */
export function standingText(s: ModuleStanding): string {
  const name = moduleName(s.kind);
  if (s.status === 'missing' || s.iid === null) return `${name}: missing (no module issue yet)`;
  if (s.status === 'done') return `${name}: done (#${s.iid})`;
  const words = s.state && s.state !== 'complete' ? OPEN_STATE_WORDS[s.state] : 'open';
  return `${name}: ${words} (#${s.iid}${s.state ? `, \`${s.kind}::${s.state}\`` : ''})`;
}
