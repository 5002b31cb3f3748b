import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { readyDemo } from '../demo/ready-demo.js';
import { refuseSecondDemo, startDemo } from '../demo/start-demo.js';
import { startTrellis } from '../main.js';
import type { Role } from '../main.js';

/**
 * `trellis serve`: runs the chosen role until SIGTERM/SIGINT, then stops taking requests, lets running
 * jobs finish within TRELLIS_SHUTDOWN_TIMEOUT_MS, and closes connections. Without GitLab settings
 * (and outside production) it starts demo mode.
 */
export async function serveCommand(config: Config, role: Role, log: Logger): Promise<void> {
  let cfg = config;
  let demo: Awaited<ReturnType<typeof startDemo>> | undefined;
  if (!config.gitlab) {
    if (config.production) throw new Error('GITLAB_URL, GITLAB_TOKEN and GITLAB_PROJECT are required in production');
    refuseSecondDemo(config);
    demo = await startDemo(config, config.port === 0 ? 0 : config.port + 1);
    cfg = demo.config;
  }
  const trellis = await startTrellis(cfg, { role, log, print: (line) => console.log(line), freshState: demo !== undefined });
  // Demo mode is set up as `trellis setup` sets up a real department, then put in motion (src/demo).
  const ready = demo && trellis.url ? await readyDemo(demo, { trellisUrl: trellis.url, redisUrl: trellis.redisUrl, log, print: (line) => console.log(line) }) : undefined;
  log.info({ role, url: trellis.url, redis: trellis.redisUrl.replace(/\/\/[^@]*@/, '//***@') }, 'trellis started');
  if (role !== 'worker' && cfg.webhookSecrets.length === 0) log.warn({}, 'WEBHOOK_SECRET is not set: every webhook is refused with 401 until it is');
  closeWithGrace({ delay: cfg.shutdownTimeoutMs + 5000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'stopping after an error');
    else log.info({ signal }, 'stopping');
    await trellis.close();
    if (ready) await ready.close();
    else await demo?.sim.close();
  });
}
