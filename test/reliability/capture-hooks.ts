import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A delivery as GitLab (the simulator) sent it: headers in lowercase, the body as sent. */
export interface CapturedDelivery {
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface HookCapture {
  /** Where to point a project hook. */
  readonly url: string;
  readonly deliveries: CapturedDelivery[];
  close(): Promise<void>;
}

/**
 * A receiver on 127.0.0.1 that records every webhook delivery and answers 200, so a test can play
 * the sender itself: resend on 503 as GitLab's resend would, or deliver a recorded event three times.
 */
export async function captureHooks(): Promise<HookCapture> {
  const deliveries: CapturedDelivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
      deliveries.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/gitlab`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
