#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from './config.js';
import type { Config } from './config.js';
import { AppError } from './core/errors.js';
import { createLogger } from './logger.js';
import { demoStatePath, runningDemo, withRunningDemo } from './demo/demo-state.js';
import { replayCommand } from './commands/replay.js';
import { reportGearingCommand } from './commands/report-gearing.js';
import { serveCommand } from './commands/serve.js';
import { setupCommand } from './commands/setup.js';
import { validateRosterCommand } from './commands/validate-roster.js';

const program = new Command('trellis')
  .description('Career development for an Infrastructure department, run on GitLab issues')
  .showHelpAfterError();

/** The configuration of a command: the environment, or the running demo's settings where GitLab is not set. */
function config(): Config {
  return loadConfig(withRunningDemo(process.env, (line) => console.error(line)));
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a number of seconds greater than 0');
  return n;
}

program
  .command('serve')
  .description('run Trellis: the webhook API, the workers, or both (demo mode with the built-in GitLab simulator when no GitLab is configured)')
  .addOption(new Option('--role <role>', 'which part to run').choices(['api', 'worker', 'all']).default('all'))
  .action(async (o: { role: 'api' | 'worker' | 'all' }) => {
    // Not the running demo's settings: a second `serve` is a Trellis of its own (or refuses a second demo).
    const cfg = loadConfig(process.env);
    await serveCommand(cfg, o.role, createLogger(cfg.logLevel, { format: cfg.logFormat }));
  });

program
  .command('sim')
  .description('run the GitLab simulator (REST API v4 and webhooks) for tests, demos and trying templates')
  .option('--port <n>', 'port to listen on (0: any free port)', port, 8081)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--root-token <token>', "the root user's token", 'sim-root-token')
  .addOption(new Option('--preset <name>', "rate limits of a real GitLab").choices(['gitlab.com']))
  .option('--seed <file>', 'JSON or YAML file of users, groups, projects, files and hooks to create')
  .action(async (o: { port: number; host: string; rootToken: string; preset?: string; seed?: string }) => {
    const { runSimCommand } = await import('./sim/cli.js');
    const sim = await runSimCommand({ port: o.port, host: o.host, rootToken: o.rootToken, ...(o.preset ? { preset: o.preset } : {}), ...(o.seed ? { seedFile: o.seed } : {}), print: (line) => console.log(line) });
    const stop = () => void sim.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('replay')
  .description('post a GitLab webhook payload file to a running Trellis, with the headers GitLab sends')
  .argument('<file>', 'a payload file, e.g. webhooks/issue_hook_open.json')
  .option('--url <url>', 'the webhook endpoint (default: the running demo\'s, else port PORT or 8080 on 127.0.0.1)')
  .option('--secret <token>', 'X-Gitlab-Token to send (default: the first of WEBHOOK_SECRET, else the running demo\'s)')
  .option('--event <name>', 'X-Gitlab-Event to send (default: derived from the payload)')
  .option('--idempotency-key <key>', 'Idempotency-Key to send (default: a new one, as for a new delivery)')
  .action(async (file: string, o: { url?: string; secret?: string; event?: string; idempotencyKey?: string }) => {
    const demo = o.url || process.env.PORT ? null : runningDemo(demoStatePath(process.env.TRELLIS_DATA_DIR || '.trellis-data'));
    if (demo) console.error(`using the running demo at ${demo.trellisUrl}`);
    const url = o.url ?? `${demo?.trellisUrl ?? `http://127.0.0.1:${process.env.PORT ?? 8080}`}/webhooks/gitlab`;
    const secret = o.secret ?? process.env.WEBHOOK_SECRET?.split(',')[0]?.trim() ?? demo?.webhookSecret;
    process.exitCode = await replayCommand({ file, url, ...(secret ? { secret } : {}), ...(o.event ? { event: o.event } : {}), ...(o.idempotencyKey ? { idempotencyKey: o.idempotencyKey } : {}), print: (l) => console.log(l) });
  });

program
  .command('validate-roster')
  .description('check a roster file and print every problem with its line')
  .argument('[file]', 'the roster YAML', process.env.TRELLIS_ROSTER_FILE ?? '.trellis/roster.yml')
  .action(async (file: string) => {
    process.exitCode = await validateRosterCommand(file, (l) => console.log(l), (l) => console.error(l));
  });

program
  .command('roles')
  .description("print the department's roles and their levels, or one role's ladder (responsibilities, requirements, nice-to-haves per level)")
  .argument('[role]', 'a role key of the roster (e.g. site-reliability-engineer)')
  .action(async (role: string | undefined) => {
    const cfg = config();
    const { rolesCommand } = await import('./commands/roles.js');
    process.exitCode = await rolesCommand(cfg, createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel, { format: cfg.logFormat }), { ...(role ? { role } : {}), print: (l) => console.log(l) });
  });

program
  .command('setup')
  .description("create or update the records project's labels, issue templates and webhook, and check the roster (run again any time: it changes only what differs)")
  .option('--dry-run', 'print what would change and write nothing', false)
  .option('--reset-token', 'set the webhook secret again (after rotating WEBHOOK_SECRET)', false)
  .action(async (o: { dryRun: boolean; resetToken: boolean }) => {
    const cfg = config();
    process.exitCode = await setupCommand(cfg, { dryRun: o.dryRun, resetToken: o.resetToken, log: createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel, { format: cfg.logFormat }), print: (l) => console.log(l) });
  });

program
  .command('report')
  .description('reports Trellis keeps as issues')
  .command('gearing')
  .description('update the Staff+ IC gearing report issue now and print the table')
  .option('--dry-run', 'print the table and write nothing', false)
  .action(async (o: { dryRun: boolean }) => {
    const cfg = config();
    process.exitCode = await reportGearingCommand(cfg, { dryRun: o.dryRun, log: createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel, { format: cfg.logFormat }), print: (l) => console.log(l) });
  });

const plan = program.command('plan').description('print what Trellis would do, writing nothing');

plan
  .command('quarter')
  .description("the quarter's checkpoint fan-out: which checkpoints and big-picture conversations would be created or updated (reads GitLab, writes nothing)")
  .option('--quarter <name>', 'fiscal quarter such as FY27-Q4 (default: the current one in the roster time zone)')
  .action(async (o: { quarter?: string }) => {
    const cfg = config();
    const { planQuarterCommand } = await import('./commands/plan-quarter.js');
    process.exitCode = await planQuarterCommand(cfg, createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel, { format: cfg.logFormat }), { ...(o.quarter ? { quarter: o.quarter } : {}), print: (l) => console.log(l) });
  });

program
  .command('run-quarter')
  .description("run the quarter's checkpoint fan-out now, at GitLab's issue creation limit, with a progress bar (safe to repeat: it creates only what is missing)")
  .option('--quarter <name>', 'fiscal quarter such as FY27-Q4 (default: the current one in the roster time zone)')
  .action(async (o: { quarter?: string }) => {
    const cfg = config();
    const { runQuarterCommand } = await import('./commands/run-quarter.js');
    const tty = process.stderr.isTTY === true;
    let lastShown = -1;
    process.exitCode = await runQuarterCommand(cfg, createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel, { format: cfg.logFormat }), {
      ...(o.quarter ? { quarter: o.quarter } : {}),
      print: (l) => console.log(l),
      progress(text, done) {
        // A terminal redraws one line; a log file gets a line every tenth of the way.
        if (tty) process.stderr.write(`\r${text}${done ? '\n' : ''}`);
        else {
          const tenth = Math.floor((Number(/(\d+)%/.exec(text)?.[1] ?? 0)) / 10);
          if (tenth !== lastShown || done) process.stderr.write(`${text}\n`);
          lastShown = tenth;
        }
      },
    });
  });

program
  .command('reconcile')
  .description('re-derive every open record from GitLab and fix what differs; resend failed webhook deliveries; close duplicate records')
  .option('--dry-run', 'print what differs, write nothing', false)
  .action(async (o: { dryRun: boolean }) => {
    const cfg = config();
    const { reconcileCommand } = await import('./commands/reconcile.js');
    const tty = process.stderr.isTTY === true;
    process.exitCode = await reconcileCommand(cfg, createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel, { format: cfg.logFormat }), {
      dryRun: o.dryRun,
      print: (l) => console.log(l),
      progress: (text, done) => process.stderr.write(tty ? `\r${text.padEnd(60)}${done ? '\n' : ''}` : `${text}\n`),
    });
  });

program
  .command('migrate-records')
  .description("move checkpoints and career conversations from the department project into each person's private records project")
  .option('--dry-run', 'print what would move, write nothing', false)
  .action(async (o: { dryRun: boolean }) => {
    const cfg = config();
    const { migrateRecordsCommand } = await import('./commands/migrate-records.js');
    process.exitCode = await migrateRecordsCommand(cfg, createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel, { format: cfg.logFormat }), { dryRun: o.dryRun, print: (l) => console.log(l) });
  });

program
  .command('tour')
  .description('play a short story against the running demo (npm start in this directory) and print the link of each issue it changes')
  .option('--timeout <seconds>', 'how long each step waits for Trellis', seconds, 30)
  .action(async (o: { timeout: number }) => {
    const file = demoStatePath(process.env.TRELLIS_DATA_DIR || '.trellis-data');
    const demo = runningDemo(file);
    if (!demo) throw new AppError('config_invalid', `no running demo found (${file}): start one with \`npm start\` in this directory, without GITLAB_URL, and run the tour from a second terminal`);
    const { tourCommand } = await import('./commands/tour.js');
    process.exitCode = await tourCommand(demo, { timeoutMs: o.timeout * 1000, print: (l) => console.log(l) });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof AppError) console.error(`trellis: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
