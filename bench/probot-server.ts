/**
 * The peer's ingress, run as its own process like Trellis's api role: what a Probot app receives
 * webhooks with, @octokit/webhooks' node middleware on a plain node http server. It checks the
 * `X-Hub-Signature-256` HMAC of the body, parses it, runs a no-op handler and answers 200; it stores
 * nothing. Prints `listening <url>` once it accepts connections.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, Webhooks } from '@octokit/webhooks';

/** The secret the bench signs its deliveries with (bench/ingress.ts). */
export const PROBOT_SECRET = 'bench-probot-secret';

const webhooks = new Webhooks({ secret: PROBOT_SECRET });
webhooks.onAny(() => undefined);
const middleware = createNodeMiddleware(webhooks, { path: '/webhooks/gitlab' });
const server = createServer((req, res) => {
  void middleware(req, res, () => {
    res.writeHead(404).end();
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`listening http://127.0.0.1:${port}`);
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
