/**
 * Bounds the webhook bytes being read, parsed and stored at once. GitLab sends payloads up to 25 MB,
 * and one costs about four times its size in memory while Trellis handles it (the body, the parsed
 * object, the event's JSON, the Redis command); a few at once would exceed the heap Trellis runs with
 * (`--max-old-space-size`, see README). Deliveries above `smallBytes` take their declared size from a
 * shared budget first and wait, in arrival order, until it has room; smaller ones, nearly all of
 * GitLab's, pass without waiting or allocating. A body larger than the whole budget waits until it
 * has the budget to itself.
 */
export interface BodyGate {
  /** Null: pass now, nothing to release. Otherwise resolves with the release once the body may be read. */
  enter(declaredBytes: number | undefined): Promise<() => void> | null;
  /** Bytes held now, for tests and metrics. */
  held(): number;
}

export function createBodyGate(opts: { budgetBytes: number; smallBytes: number }): BodyGate {
  let held = 0;
  const waiting: Array<{ bytes: number; grant: () => void }> = [];

  function release(bytes: number): void {
    held -= bytes;
    while (waiting.length > 0 && held + waiting[0]!.bytes <= opts.budgetBytes) waiting.shift()!.grant();
  }

  function take(bytes: number): () => void {
    held += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release(bytes);
    };
  }

  return {
    enter(declaredBytes) {
      // Without Content-Length (chunked), the size is unknown: it counts as a body of the whole budget.
      if (declaredBytes !== undefined && declaredBytes <= opts.smallBytes) return null;
      const bytes = Math.min(declaredBytes ?? opts.budgetBytes, opts.budgetBytes);
      if (waiting.length === 0 && held + bytes <= opts.budgetBytes) return Promise.resolve(take(bytes));
      return new Promise((resolve) => waiting.push({ bytes, grant: () => resolve(take(bytes)) }));
    },
    held: () => held,
  };
}
