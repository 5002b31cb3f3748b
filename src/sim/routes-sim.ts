import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimContext } from './context.js';
import { ApiError, forbidden, unauthorized } from './errors.js';
import { resetCounters, snapshotCounters, updateFaults, updateLimits, updateSettings } from './controls.js';
import { seedSimulator, type SimSeed } from './seed.js';

/** Hooks the server gives the control routes. */
export interface SimControl {
  resetLimiter: () => void;
}

function rootOnly(ctx: SimContext, req: FastifyRequest): void {
  const header = req.headers['private-token'];
  const auth = req.headers.authorization;
  const token = typeof header === 'string' ? header : typeof auth === 'string' ? auth.replace(/^bearer\s+/i, '') : undefined;
  if (!token) throw unauthorized();
  if (token !== ctx.rootToken) throw ctx.store.tokens.has(token) ? forbidden() : unauthorized();
}

function body(req: FastifyRequest): Record<string, unknown> {
  return req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
}

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError) throw new ApiError(400, { message: err.message });
    throw err;
  }
}

/** The simulator's own control API under `/-/sim` (root token only, not counted). */
export function registerSimRoutes(app: FastifyInstance, ctx: SimContext, control: SimControl): void {
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/-/sim')) rootOnly(ctx, req);
  });
  app.get('/-/sim/limits', async () => ctx.limits);
  app.put('/-/sim/limits', async (req) => {
    const limits = guard(() => updateLimits(ctx, body(req)));
    control.resetLimiter();
    return limits;
  });
  app.get('/-/sim/faults', async () => ctx.faults);
  app.put('/-/sim/faults', async (req) => guard(() => updateFaults(ctx, body(req))));
  app.get('/-/sim/settings', async () => ctx.settings);
  app.put('/-/sim/settings', async (req) => guard(() => updateSettings(ctx, body(req))));
  app.get('/-/sim/requests', async () => snapshotCounters(ctx));
  app.delete('/-/sim/requests', async (_req, reply) => {
    resetCounters(ctx);
    return reply.code(204).send();
  });
  app.put('/-/sim/clock', async (req) => {
    const now = body(req).now;
    if (now !== null && typeof now !== 'string') throw new ApiError(400, { message: 'now must be an ISO time or null' });
    guard(() => {
      try {
        ctx.clock.set(now);
      } catch (err) {
        throw new RangeError(err instanceof Error ? err.message : String(err));
      }
    });
    return { now: ctx.clock.now().toISOString(), frozen: ctx.clock.frozen() };
  });
  app.post('/-/sim/seed', async (req) => seedSimulator(ctx, body(req) as SimSeed));
  app.post('/-/sim/idle', async () => {
    await ctx.hooks.idle();
    return { idle: true };
  });
}
