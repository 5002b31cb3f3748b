import type { Config } from '../config.js';
import type { Executor } from '../core/executor.js';
import type { Log } from '../core/log.js';
import type { Roster } from '../core/roster.js';
import type { RecordCache } from '../core/state-ports.js';
import type { TrellisEvent } from '../events/types.js';
import type { GitLabGateway, User } from '../core/gitlab-port.js';

/** Renders the Markdown + Handlebars templates of issue_templates/ and the built-in notes. */
export interface Templates {
  render(name: string, data: object): string;
}

/** Puts work on the `jobs` queue; a job with an `id` already queued or running is not added again. */
export interface JobSink {
  add(name: string, data: Record<string, unknown>, opts?: { id?: string; delayMs?: number }): Promise<void>;
  addBulk(jobs: ReadonlyArray<{ name: string; data: Record<string, unknown>; id?: string }>): Promise<void>;
}

/** A recurring job: `job` (`workflow:name`) runs on `cron` in time zone `tz`. */
export interface Schedule {
  readonly id: string;
  readonly cron: string;
  readonly tz: string;
  readonly job: string;
  readonly data?: Record<string, unknown>;
}

/** Everything a workflow handler may use; built once per process in main.ts. */
export interface WorkflowContext {
  readonly config: Config;
  readonly gitlab: GitLabGateway;
  readonly executor: Executor;
  readonly cache: RecordCache;
  readonly templates: Templates;
  /** The last valid roster. */
  roster(): Promise<Roster>;
  /** Trellis's own GitLab user (`GET /user`). */
  bot(): Promise<User>;
  now(): Date;
  readonly log: Log;
  /** The `jobs` queue, for fan-outs: one job per report, keyed so re-running adds nothing twice. */
  readonly jobs: JobSink;
}

/**
 * A workflow: a pure planner plus a thin handler (docs/style.md#in-trellis). `onEvent` sees every event that is not
 * Trellis's own; `jobs` are scheduled or fanned-out work by name on the `jobs` queue.
 */
export interface Workflow {
  readonly name: string;
  onEvent?(event: TrellisEvent, ctx: WorkflowContext): Promise<void>;
  readonly jobs?: Readonly<Record<string, (data: Record<string, unknown>, ctx: WorkflowContext) => Promise<void>>>;
  /** Recurring jobs, derived from the roster (its time zone, fiscal year) and config; installed at start and whenever the roster changes. */
  schedules?(roster: Roster, config: Config): Schedule[];
}
