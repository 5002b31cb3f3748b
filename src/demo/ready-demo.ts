import type { Logger } from 'pino';
import { runQuarterCommand } from '../commands/run-quarter.js';
import { setupCommand } from '../commands/setup.js';
import type { Config } from '../config.js';
import type { DemoIssue } from './demo-client.js';
import { demoStatePath, removeDemoState, writeDemoState } from './demo-state.js';
import type { DemoState } from './demo-state.js';
import { demoInstructions } from './demo-instructions.js';
import { seedDemo } from './seed-demo.js';
import type { StartedDemo } from './start-demo.js';

/** How long one seeding step may wait for Trellis to answer a person's change. */
const STEP_TIMEOUT_MS = 60_000;

export interface ReadyOptions {
  readonly trellisUrl: string;
  readonly redisUrl: string;
  readonly log: Logger;
  readonly print: (line: string) => void;
  readonly now?: Date;
}

/**
 * Once Trellis listens: the webhook, the department set up as `trellis setup` does, the department put
 * in motion (seed-demo.ts), the state file that lets `npx trellis <command>` find this demo, and what
 * to try. Returns `close`, which removes the state file and stops the simulator.
 */
export async function readyDemo(demo: StartedDemo, o: ReadyOptions): Promise<{ state: DemoState | null; close(): Promise<void> }> {
  const cfg: Config = { ...demo.config, publicUrl: o.trellisUrl, redisUrl: o.redisUrl };
  const gitlab = cfg.gitlab!;
  const started = Date.now();
  await demo.register(o.trellisUrl);
  o.print(`Trellis demo: setting up the department on the GitLab simulator at ${demo.sim.url} as \`trellis setup\` does...`);
  // Setup and the quarter's fan-out say what they did in the lines printed here; their info logs would repeat it.
  const quiet = o.log.child({}, { level: o.log.levelVal === 30 ? 'warn' : o.log.level });
  const setupLines: string[] = [];
  const code = await setupCommand(cfg, { dryRun: false, resetToken: false, log: quiet, print: (line) => setupLines.push(line) });
  if (code !== 0) {
    o.print('  setup reported problems:');
    for (const line of setupLines.join('\n').split('\n').filter((l) => /PROBLEM/.test(l))) o.print(`    ${line.trim()}`);
  }
  o.print('Trellis demo: putting the department in motion (the quarter, training modules, an internship request)...');
  const seeded = await seedDemo({
    gitlabUrl: gitlab.url,
    project: gitlab.project,
    bot: 'trellis-bot',
    print: o.print,
    now: o.now ?? new Date(),
    timeoutMs: STEP_TIMEOUT_MS,
    async runQuarter() {
      const lines: string[] = [];
      const exit = await runQuarterCommand(cfg, quiet, { print: (l) => lines.push(l), progress: () => undefined });
      if (exit !== 0) throw new Error(lines.join('; '));
      return lines[0] ?? 'the quarter is open';
    },
  });
  const state: DemoState = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    trellisUrl: o.trellisUrl,
    gitlabUrl: gitlab.url,
    token: gitlab.token,
    rootToken: demo.sim.rootToken,
    project: gitlab.project,
    recordsGroup: gitlab.recordsGroup,
    webhookSecret: cfg.webhookSecrets[0] ?? '',
    dashboardUrl: `${o.trellisUrl}/dashboard`,
    dashboardToken: cfg.dashboardToken ?? '',
    redisUrl: o.redisUrl,
    queuePrefix: cfg.queuePrefix,
  };
  const file = demoStatePath(cfg.dataDir);
  let written: DemoState | null = state;
  try {
    writeDemoState(file, state);
  } catch (err) {
    // A read-only working directory (a container) still runs the demo; only discovery is lost.
    written = null;
    o.log.warn({ err, file }, 'could not write the demo state file; `npx trellis <command>` will not find this demo');
  }
  const issue = (who: string): DemoIssue | undefined => seeded.issues.get(who);
  for (const line of demoInstructions({ state, projectId: demo.projectId, stateFile: written ? file : null, issue, seconds: Math.round((Date.now() - started) / 1000), problems: seeded.problems })) o.print(line);
  return {
    state: written,
    async close() {
      if (written) removeDemoState(file);
      await demo.sim.close();
    },
  };
}
