import { randomUUID } from 'node:crypto';
import type { EventChain, HookQueue, HookScope, SimContext } from './context.js';
import { hookExecutable, recordResult, deliverOnce } from './hook-delivery.js';
import { projectGroups } from './store.js';
import type { SimHook, SimProject } from './types.js';

const FLAG: Record<HookScope, (h: SimHook) => boolean> = {
  issue_hooks: (h) => h.issuesEvents,
  confidential_issue_hooks: (h) => h.confidentialIssuesEvents,
  note_hooks: (h) => h.noteEvents,
  confidential_note_hooks: (h) => h.confidentialNoteEvents,
  push_hooks: (h) => h.pushEvents,
};

interface Job {
  hook: SimHook;
  scope: HookScope;
  payload: unknown;
  eventUuid: string;
  idempotencyKey: string;
  readyAt: number;
}

/** `push_events_branch_filter` with the default `wildcard` strategy (`*` matches anything). */
function branchMatches(filter: string, payload: unknown): boolean {
  if (!filter) return true;
  const ref = (payload as { ref?: unknown }).ref;
  const branch = typeof ref === 'string' ? ref.replace(/^refs\/heads\//, '') : '';
  const re = new RegExp(`^${filter.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(branch);
}

const MAX_CHAINS = 10_000;
/** GitLab blocks a chain once this many hooks have fired in it (`COUNT_LIMIT`). */
const CHAIN_LIMIT = 100;

/**
 * The hooks an event of a project goes to: the project's own and, on Premium, those of its group and
 * every ancestor group (EE Project#execute_hooks: `GroupHook.where(group_id: group.self_and_ancestors)`,
 * behind the `group_webhooks` licensed feature). Group hooks then go through the same flags,
 * recursion detection, auto-disabling and delivery as project hooks.
 */
function hooksFor(ctx: SimContext, project: SimProject): SimHook[] {
  const hooks = [...project.hooks.values()];
  if (ctx.settings.tier === 'premium') for (const group of projectGroups(ctx.store, project)) hooks.push(...group.hooks.values());
  return hooks;
}

/** A queue with nothing in it. */
export function createHookQueue(): HookQueue {
  let ctx: SimContext | undefined;
  const lanes = new Map<number, Job[]>();
  const busy = new Set<number>();
  let timer: NodeJS.Timeout | undefined;
  let waiters: Array<() => void> = [];
  let closed = false;
  // Recursion detection: event UUID -> hooks already fired in that chain.
  const chains = new Map<string, Set<number>>();

  function pending(): number {
    let n = busy.size;
    for (const lane of lanes.values()) n += lane.length;
    return n;
  }

  function settle(): void {
    if (pending() > 0 || timer) return;
    const w = waiters;
    waiters = [];
    for (const fn of w) fn();
  }

  function pick(lane: Job[], now: number): number {
    const c = ctx;
    if (c?.faults.webhook_reorder) {
      const ready = lane.map((j, i) => (j.readyAt <= now ? i : -1)).filter((i) => i >= 0);
      if (ready.length === 0) return -1;
      return ready[Math.floor(c.random() * ready.length)] ?? -1;
    }
    return (lane[0]?.readyAt ?? Infinity) <= now ? 0 : -1;
  }

  function pump(): void {
    if (closed || !ctx) return;
    const now = Date.now();
    let nextAt = Infinity;
    for (const [hookId, lane] of lanes) {
      if (busy.has(hookId) || lane.length === 0) continue;
      const at = pick(lane, now);
      if (at < 0) {
        nextAt = Math.min(nextAt, ...lane.map((j) => j.readyAt));
        continue;
      }
      const [job] = lane.splice(at, 1);
      if (lane.length === 0) lanes.delete(hookId);
      if (job) run(job);
    }
    if (nextAt !== Infinity && !timer) {
      timer = setTimeout(() => {
        timer = undefined;
        pump();
        settle();
      }, Math.max(1, nextAt - now));
    }
  }

  function run(job: Job): void {
    const c = ctx;
    if (!c) return;
    busy.add(job.hook.id);
    void (async () => {
      try {
        if (!hookExecutable(c, job.hook)) {
          c.counters.webhooks.dropped += 1;
          return;
        }
        const result = await deliverOnce(c, job.hook, job.scope, job.payload, job.eventUuid, job.idempotencyKey);
        recordResult(c, job.hook, result.ok);
        if (result.ok) c.counters.webhooks.delivered += 1;
        else c.counters.webhooks.failed += 1;
      } finally {
        busy.delete(job.hook.id);
        pump();
        settle();
      }
    })();
  }

  function enqueue(job: Job): void {
    const lane = lanes.get(job.hook.id) ?? [];
    lane.push(job);
    lanes.set(job.hook.id, lane);
  }

  return {
    attach(c) {
      ctx = c;
    },
    fire(project, scope, payload, chainIn: EventChain) {
      const c = ctx;
      if (!c || closed) return;
      for (const hook of hooksFor(c, project)) {
        if (!FLAG[scope](hook)) continue;
        if (scope === 'push_hooks' && !branchMatches(hook.pushEventsBranchFilter, payload)) continue;
        let eventUuid = chainIn.header ?? chainIn.perHook.get(hook.id);
        if (!eventUuid) {
          eventUuid = randomUUID();
          chainIn.perHook.set(hook.id, eventUuid);
        }
        let fired = chains.get(eventUuid);
        // Only a request made by a webhook (it carried the header) can be recursive.
        if (chainIn.header && fired && (fired.has(hook.id) || fired.size >= CHAIN_LIMIT)) {
          c.counters.webhooks.recursionBlocked += 1;
          continue;
        }
        if (!fired) {
          if (chains.size >= MAX_CHAINS) chains.delete(chains.keys().next().value ?? '');
          fired = new Set();
          chains.set(eventUuid, fired);
        }
        fired.add(hook.id);
        // GitLab selects only executable hooks when the event happens: disabled ones lose it.
        if (!hookExecutable(c, hook) || c.random() < c.faults.webhook_drop_ratio) {
          c.counters.webhooks.dropped += 1;
          continue;
        }
        const reorderJitter = c.faults.webhook_reorder ? c.random() * Math.max(c.faults.webhook_delay_ms, 50) : 0;
        const job: Job = {
          hook, scope, payload, eventUuid, idempotencyKey: randomUUID(),
          readyAt: Date.now() + c.faults.webhook_delay_ms + reorderJitter,
        };
        enqueue(job);
        if (c.random() < c.faults.webhook_duplicate_ratio) {
          c.counters.webhooks.duplicated += 1;
          enqueue({ ...job });
        }
      }
      // Deliver after the API response is written, as GitLab's Sidekiq jobs run after the request.
      setImmediate(pump);
    },
    idle() {
      if (pending() === 0 && !timer) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      lanes.clear();
      const w = waiters;
      waiters = [];
      for (const fn of w) fn();
    },
  };
}
