import { z } from 'zod';

/**
 * The hand-over point with the reconcile job: after each run it writes
 * `SET ${prefix}:reconcile:last '{"at":"<ISO time>","drift":<differences found>}'`, and the
 * dashboard and `/metrics` read it. Until a reconcile has run, the key is absent.
 */
export interface ReconcileStatus {
  /** ISO time the run finished. */
  readonly at: string;
  /** Differences found (and put right). */
  readonly drift: number;
}

/** The Redis key, under the queue prefix (a Redis Cluster hash tag by default). */
export function reconcileStatusKey(prefix: string): string {
  return `${prefix}:reconcile:last`;
}

/**
 * Records a finished, non-dry run where the dashboard and `/metrics` read it. Every path that runs
 * a reconcile (the scheduled job, `trellis reconcile`) calls this one function, so none is left out.
 */
export async function saveReconcileStatus(redis: { set(key: string, value: string): Promise<unknown> }, prefix: string, summary: ReconcileStatus): Promise<void> {
  await redis.set(reconcileStatusKey(prefix), JSON.stringify({ at: summary.at, drift: summary.drift }));
}

const schema = z.object({ at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO time'), drift: z.number().int().nonnegative() });

/** The stored value, or null when absent or not of that shape. */
export function parseReconcileStatus(raw: string | null): ReconcileStatus | null {
  if (raw === null) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
