import { BOT, startE2E } from '../../test/helpers/e2e.js';
import type { ApiIssue, E2E } from '../../test/helpers/e2e.js';
import { department } from './department.js';
import { startHookLog } from './hook-log.js';
import type { HookLog } from './hook-log.js';

/** A learner's SRE I module as the bench tracks it between edits. */
export interface Module {
  readonly learner: string;
  readonly iid: number;
  description: string;
}

/** The simulator and a whole Trellis (api + workers in this process, as the e2e suites run it) with SRE I modules started. */
export interface TrainingFixture {
  readonly e2e: E2E;
  readonly modules: readonly Module[];
  readonly hooks: HookLog;
  close(): Promise<void>;
}

/** Ticks the first unticked required item (items marked optional do not count). */
export function tickOne(description: string): string {
  const lines = description.split('\n');
  const at = lines.findIndex((l) => /^\s*- \[ \] /.test(l) && !/\(optional\)/i.test(l));
  if (at >= 0) lines[at] = lines[at]!.replace('- [ ]', '- [x]');
  return lines.join('\n');
}

/** Unticks the last ticked item. */
export function untickOne(description: string): string {
  const at = description.lastIndexOf('- [x]');
  return at < 0 ? description : `${description.slice(0, at)}- [ ]${description.slice(at + 5)}`;
}

/**
 * Starts Trellis on the simulator with a department whose first `learners` engineers each started
 * SRE I with `@trellis-bot start sre-i`, as people do, and a second webhook to the bench's hook log.
 */
export async function startTrainingFixture(learners: number): Promise<TrainingFixture> {
  const dept = department(Math.ceil(learners / 8), 8);
  const e2e = await startE2E({ roster: dept.yaml, env: { TRELLIS_WORKER_CONCURRENCY: '8' } });
  const hooks = await startHookLog();
  try {
    await e2e.as('root').api('POST', `/projects/${e2e.projectId}/hooks`, { url: hooks.url, issues_events: true, confidential_issues_events: true });
    const who = dept.engineers.slice(0, learners);
    // A few at a time, as people would: every `start` lists the modules, so all at once only queues.
    for (let i = 0; i < who.length; i += 8) {
      await Promise.all(
        who.slice(i, i + 8).map(async (learner) => {
          const asked = await e2e.as(learner).createIssue({ title: `${learner} asks Trellis` });
          await e2e.as(learner).comment(asked.iid, `@${BOT} start sre-i`);
        }),
      );
      await e2e.settle(60_000);
    }
    const modules: Module[] = [];
    for (let page = 1; modules.length < who.length; page++) {
      const batch = await e2e.as('root').api<ApiIssue[]>('GET', `/projects/${e2e.projectId}/issues?labels=training-module&per_page=100&page=${page}`);
      for (const issue of batch) {
        const learner = /^SRE I training: @(\S+)$/.exec(issue.title)?.[1];
        if (learner) modules.push({ learner, iid: issue.iid, description: issue.description ?? '' });
      }
      if (batch.length < 100) break;
    }
    if (modules.length !== who.length) throw new Error(`expected ${who.length} SRE I modules, found ${modules.length}`);
    return {
      e2e,
      modules,
      hooks,
      async close() {
        await hooks.close();
        await e2e.close();
      },
    };
  } catch (err) {
    await hooks.close();
    await e2e.close();
    throw err;
  }
}
