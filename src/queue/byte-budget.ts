/** Bytes of event data a worker process may hold at once (see createByteBudget). */
export interface ByteBudget {
  /** The budget in bytes. */
  readonly limit: number;
  /** Waits until `bytes` fit, in arrival order, and holds them until the returned release is called (once). */
  acquire(bytes: number): Promise<() => void>;
  /** Bytes held now. */
  held(): number;
}

/**
 * A semaphore counted in bytes, first come first served: a request waits until what is held plus
 * its own size fits `limit`, and nothing behind it overtakes it (a large event is not starved by a
 * stream of small ones). A request larger than the whole budget runs alone once nothing else is held,
 * so every event is processed however large.
 */
export function createByteBudget(limit: number): ByteBudget {
  let held = 0;
  const waiting: Array<{ bytes: number; grant: () => void }> = [];

  function fits(bytes: number): boolean {
    return held === 0 || held + bytes <= limit;
  }

  function drain(): void {
    while (waiting.length > 0 && fits(waiting[0]!.bytes)) {
      const next = waiting.shift()!;
      held += next.bytes;
      next.grant();
    }
  }

  function releaser(bytes: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held -= bytes;
      drain();
    };
  }

  return {
    limit,
    held: () => held,
    acquire(bytes) {
      const size = Math.max(0, bytes);
      if (waiting.length === 0 && fits(size)) {
        held += size;
        return Promise.resolve(releaser(size));
      }
      return new Promise((resolve) => waiting.push({ bytes: size, grant: () => resolve(releaser(size)) }));
    },
  };
}

/**
 * How a worker process divides its event budget (TRELLIS_WORKER_EVENT_MB): an eighth for the relay's
 * batch (events up to 64 KB, moved 200 at a time: ordinary events come to about 1 MB a batch), the
 * rest for the large events its jobs read and handle.
 */
export function eventMemoryShares(totalBytes: number): { readonly relayBatchBytes: number; readonly jobs: ByteBudget } {
  const relayBatchBytes = Math.max(64 * 1024, Math.floor(totalBytes / 8));
  return { relayBatchBytes, jobs: createByteBudget(Math.max(1, totalBytes - relayBatchBytes)) };
}
