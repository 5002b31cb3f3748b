/** The dependency rule (docs/architecture.md), checked in `npm test`: arrows point one way, into src/core. */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'core/ (plans, executor, the GitLab port) imports nothing outside src/core: no folder above it, no framework, queue or HTTP client',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: ['^src/(?!core/)', 'node_modules/(fastify|bullmq|ioredis|@gitbeaker|@bull-board|pino|prom-client)'] },
    },
    {
      name: 'plans-are-pure',
      comment: 'workflow plans import no Fastify, BullMQ, ioredis or gitbeaker',
      severity: 'error',
      from: { path: '^src/workflows/.*/plan-[^/]*\\.ts$' },
      to: { path: ['^src/(http|queue|sim|redis|gitlab)/', 'node_modules/(fastify|bullmq|ioredis|@gitbeaker)'] },
    },
    {
      name: 'only-adapter-imports-gitbeaker',
      severity: 'error',
      from: { pathNot: '^src/gitlab/gitbeaker-adapter\\.ts$' },
      to: { path: 'node_modules/@gitbeaker' },
    },
    {
      name: 'sim-is-independent',
      comment: 'the simulator shares no code with what it tests',
      severity: 'error',
      from: { path: '^src/sim/' },
      to: { path: '^src/(?!sim/)' },
    },
    {
      name: 'service-does-not-import-sim',
      comment: 'only the CLI and demo mode may start the simulator',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/sim/', '^src/cli\\.ts$', '^src/demo/'] },
      to: { path: '^src/sim/' },
    },
    {
      name: 'gitlab-holds-adapters',
      comment: 'src/gitlab holds only adapters of the port in src/core; nothing but composition roots picks one',
      severity: 'error',
      from: { path: '^src/(core|workflows|events)/' },
      to: { path: '^src/gitlab/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '\\.test\\.ts$' },
  },
};
