import { BOT } from '../test/helpers/e2e.js';
import type { TrainingFixture } from './lib/training-fixture.js';
import { tickOne, untickOne } from './lib/training-fixture.js';
import { quantile, round, sleep } from './lib/stats.js';

export interface E2eResult {
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly max_ms: number;
  readonly events: number;
  readonly rate_per_s: number;
  readonly timeouts: number;
  /** GitLab calls Trellis made per state-changing tick, counted by the simulator (the bench's own edits subtracted). */
  readonly writes_per_event: number;
  readonly reads_per_event: number;
  readonly label_writes_per_event: number;
  readonly note_edits_per_event: number;
}

const RATE = 20;
const SECONDS = 10;
const ISSUE_PUT = 'PUT /projects/:id/issues/:issue_iid';
const NOTE_PUT = 'PUT /projects/:id/issues/:issue_iid/notes/:note_id';

/**
 * From a learner's edit to the label Trellis sets in answer, at 20 events/s with no rate limit.
 * Each event ticks (or unticks) one item so the module changes column (not-started <-> in-progress),
 * so every event makes Trellis write a label. The clock starts when the edit's API response arrives
 * (the simulator fires its webhooks right after answering) and stops when the simulator delivers
 * the issue hook of Trellis's label change to the bench's second webhook. Edits go round the
 * modules, so one module is edited every modules/20 seconds and events on it never overlap.
 */
export async function runE2eLatency(fx: TrainingFixture, log: (line: string) => void): Promise<E2eResult> {
  const { e2e, modules } = fx;
  const total = RATE * SECONDS;
  const samples: number[] = [];
  let timeouts = 0;
  e2e.sim.resetRequests();
  const started = performance.now();
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    // Open loop: the i-th edit starts at i/RATE seconds whatever earlier ones are doing.
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const m = modules[i % modules.length]!;
    const ticking = !m.description.includes('- [x]');
    const next = ticking ? tickOne(m.description) : untickOne(m.description);
    const expected = ticking ? 'sre-i::in-progress' : 'sre-i::not-started';
    m.description = next;
    pending.push(
      (async () => {
        const seen = fx.hooks.next((h) => h.iid === m.iid && h.actor === BOT && h.labels.includes(expected), 15_000);
        seen.catch(() => undefined);
        await e2e.as(m.learner).editIssue(m.iid, { description: next });
        const answered = performance.now();
        try {
          samples.push((await seen) - answered);
        } catch {
          timeouts += 1;
        }
      })(),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  await e2e.settle(60_000);
  const counts = e2e.sim.requests();
  // The bench's own edits are PUTs on issues and count as writes; Trellis's are the rest.
  const trellisWrites = counts.byClass.write - total;
  const labelWrites = (counts.byRoute[ISSUE_PUT] ?? 0) - total;
  log(`  e2e: ${samples.length} events in ${elapsed.toFixed(1)} s; p50 ${quantile(samples, 0.5).toFixed(1)} ms, p95 ${quantile(samples, 0.95).toFixed(1)} ms; ${timeouts} without a label`);
  return {
    p50_ms: round(quantile(samples, 0.5), 1),
    p95_ms: round(quantile(samples, 0.95), 1),
    max_ms: round(Math.max(...samples), 1),
    events: total,
    rate_per_s: round(total / elapsed, 1),
    timeouts,
    writes_per_event: round(trellisWrites / total, 3),
    reads_per_event: round(counts.byClass.read / total, 3),
    label_writes_per_event: round(labelWrites / total, 3),
    note_edits_per_event: round((counts.byRoute[NOTE_PUT] ?? 0) / total, 3),
  };
}
