/**
 * The ingress baseline, run as its own process like Trellis's api role: a bare Fastify route that
 * parses the same JSON body and answers 202, with no auth, no schema, no dedupe and no Redis.
 * Prints `listening <url>` once it accepts connections.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 26 * 1024 * 1024 });
app.post('/webhooks/gitlab', async (_req, reply) => reply.code(202).send({ status: 'queued' }));
const url = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`listening ${url}`);
const stop = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
