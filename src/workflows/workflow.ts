import type { Config } from '../config.js';
import type { Executor } from '../core/executor.js';
import type { Log } from '../core/log.js';
import type { Roster } from '../core/roster.js';
import type { RecordCache } from '../core/state-ports.js';
import type { TrellisEvent } from '../events/types.js';
import type { GitLabGateway, User } from '../gitlab/port.js';

/** Renders the Markdown + Handlebars templates of issue_templates/ and the built-in notes. */
export interface Templates {
  render(name: string, data: object): string;
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
}

/**
 * A workflow: a pure planner plus a thin handler (STYLE.md). `onEvent` sees every event that is not
 * Trellis's own; `jobs` are scheduled or fanned-out work by name on the `jobs` queue.
 */
export interface Workflow {
  readonly name: string;
  onEvent?(event: TrellisEvent, ctx: WorkflowContext): Promise<void>;
  readonly jobs?: Readonly<Record<string, (data: Record<string, unknown>, ctx: WorkflowContext) => Promise<void>>>;
}
