import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { DashboardStore } from './dashboard/dashboard-auth.js';
import { createGuard } from './dashboard/dashboard-plugin.js';
import { createPageRenderer } from './dashboard/dashboard-templates.js';

/** Where the BullMQ dashboard is served. */
export const ADMIN_QUEUES_PATH = '/admin/queues';

/**
 * `/admin/queues`: bull-board over the `events` and `jobs` queues, behind the dashboard's guard
 * (DASHBOARD_TOKEN as a bearer token or the dashboard's session cookie; 503 without a token). Every
 * route bull-board adds, its static files and JSON API included, sits inside the guarded scope.
 */
export function adminQueuesPlugin(opts: { token: string | undefined; store: DashboardStore; queues: readonly Queue[] }): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    const { guard } = createGuard(opts.token, opts.store, createPageRenderer(30));
    app.addHook('onRequest', async (req, reply) => {
      if (!(await guard(req, reply))) return reply;
      return undefined;
    });
    if (!opts.token) {
      // Nothing to guard: answer every address with the guard's 503 rather than mounting bull-board.
      app.get(`${ADMIN_QUEUES_PATH}`, async (_req, reply) => reply);
      app.get(`${ADMIN_QUEUES_PATH}/*`, async (_req, reply) => reply);
      return;
    }
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(ADMIN_QUEUES_PATH);
    createBullBoard({ queues: opts.queues.map((q) => new BullMQAdapter(q)), serverAdapter, options: { uiConfig: { boardTitle: 'Trellis queues' } } });
    await app.register(serverAdapter.registerPlugin(), { prefix: ADMIN_QUEUES_PATH });
  };
}
