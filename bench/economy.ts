import type { TrainingFixture, Module } from './lib/training-fixture.js';
import { tickOne, untickOne } from './lib/training-fixture.js';
import { round, sleep } from './lib/stats.js';

/** GitLab calls Trellis makes per event of one kind, counted by the simulator. */
export interface CallsPerEvent {
  readonly events: number;
  readonly writes: number;
  readonly reads: number;
  readonly label_writes: number;
  readonly note_edits: number;
  readonly note_creates: number;
  readonly by_route: Readonly<Record<string, number>>;
}

export interface EconomyResult {
  /** An edit of a module's description outside its checklist: nothing for Trellis to change. */
  readonly noop: CallsPerEvent;
  /** A tick that moves progress within a column (status note only). */
  readonly tick_progress: CallsPerEvent;
  /** A tick that moves the module to another column (label and status note): the costliest tick. */
  readonly tick_column: CallsPerEvent;
}

const ISSUE_PUT = 'PUT /projects/:id/issues/:issue_iid';
const NOTE_PUT = 'PUT /projects/:id/issues/:issue_iid/notes/:note_id';
const NOTE_POST = 'POST /projects/:id/issues/:issue_iid/notes';

/**
 * Edits the given modules (all at once, different issues), waits until Trellis is idle, and charges
 * what the simulator counted to the events, less the bench's own PUT per edit. Edits of one issue
 * are over a second apart, as people's are: GitLab's webhook times have whole seconds, and two
 * different versions of an issue within one second make Trellis read the issue to know which is newer.
 */
async function measure(fx: TrainingFixture, edits: ReadonlyArray<{ m: Module; next: string }>): Promise<CallsPerEvent> {
  const { e2e } = fx;
  await e2e.settle(60_000);
  await sleep(1100);
  e2e.sim.resetRequests();
  await Promise.all(
    edits.map(async ({ m, next }) => {
      m.description = next;
      await e2e.as(m.learner).editIssue(m.iid, { description: next });
    }),
  );
  await e2e.settle(60_000);
  const c = e2e.sim.requests();
  const n = edits.length;
  const byRoute = { ...c.byRoute };
  byRoute[ISSUE_PUT] = (byRoute[ISSUE_PUT] ?? 0) - n;
  if (byRoute[ISSUE_PUT] === 0) delete byRoute[ISSUE_PUT];
  return {
    events: n,
    writes: round((c.byClass.write - n) / n, 3),
    reads: round(c.byClass.read / n, 3),
    label_writes: round((byRoute[ISSUE_PUT] ?? 0) / n, 3),
    note_edits: round((byRoute[NOTE_PUT] ?? 0) / n, 3),
    note_creates: round((byRoute[NOTE_POST] ?? 0) / n, 3),
    by_route: Object.fromEntries(Object.entries(byRoute).map(([k, v]) => [k, round(v / n, 3)])),
  };
}

/**
 * API economy of the training workflow, one kind of event at a time on modules Trellis created
 * (so its status note is known): an edit that changes nothing, a tick within a column, a tick into
 * another column. The fixture's modules have one item ticked after the latency run (or none).
 */
export async function runEconomy(fx: TrainingFixture, log: (line: string) => void): Promise<EconomyResult> {
  const half = Math.floor(fx.modules.length / 2);
  const first = fx.modules.slice(0, half);
  const second = fx.modules.slice(half);
  const noop = await measure(fx, first.map((m) => ({ m, next: `${m.description}\n\nNotes: read the on-call page twice.` })));
  // Modules with nothing ticked get one tick first (not measured), so the next tick stays in its column.
  const unstarted = first.filter((m) => !m.description.includes('- [x]'));
  if (unstarted.length > 0) await measure(fx, unstarted.map((m) => ({ m, next: tickOne(m.description) })));
  const progress = await measure(fx, first.map((m) => ({ m, next: tickOne(m.description) })));
  // And the other half back to nothing ticked (not measured), so one tick moves them to in-progress.
  while (second.some((m) => m.description.includes('- [x]'))) {
    await measure(fx, second.filter((m) => m.description.includes('- [x]')).map((m) => ({ m, next: untickOne(m.description) })));
  }
  const column = await measure(fx, second.map((m) => ({ m, next: tickOne(m.description) })));
  log(`  economy: noop ${noop.writes} writes/${noop.reads} reads; tick in column ${progress.writes}/${progress.reads}; tick to next column ${column.writes}/${column.reads}`);
  return { noop, tick_progress: progress, tick_column: column };
}
