import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An issue hook as the bench reads it: who acted, on which issue, and the labels after the change. */
export interface SeenIssueHook {
  readonly at: number;
  readonly iid: number;
  readonly actor: string;
  readonly labels: readonly string[];
}

/**
 * A second project webhook, pointing at the bench: GitLab (the simulator) delivers every issue event
 * here too, including the ones Trellis's own writes cause (recursion detection stops those only
 * for the hook whose delivery caused them), so the moment a label Trellis set became visible is
 * the moment its hook arrives, with no polling load on the simulator.
 */
export interface HookLog {
  readonly url: string;
  /** Resolves with the arrival time of the first hook matching `match` after now; rejects after `timeoutMs`. */
  next(match: (hook: SeenIssueHook) => boolean, timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

export async function startHookLog(): Promise<HookLog> {
  const waiters = new Set<{ match: (h: SeenIssueHook) => boolean; resolve: (at: number) => void }>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // The arrival time is taken before parsing, so the bench's own JSON work is not counted.
      const at = performance.now();
      res.writeHead(200).end();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        object_kind?: string;
        user?: { username?: string };
        object_attributes?: { iid?: number };
        labels?: Array<{ title?: string }>;
      };
      if (body.object_kind !== 'issue') return;
      const hook: SeenIssueHook = {
        at,
        iid: body.object_attributes?.iid ?? -1,
        actor: body.user?.username ?? '',
        labels: (body.labels ?? []).map((l) => l.title ?? ''),
      };
      for (const w of [...waiters]) {
        if (w.match(hook)) {
          waiters.delete(w);
          w.resolve(at);
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    next(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve: (at: number) => (clearTimeout(timer), resolve(at)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching issue hook within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
