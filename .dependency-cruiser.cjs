/** The dependency rule of DESIGN.md, checked in `npm test`. */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'core/ imports no framework, queue, HTTP client or other layer',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: ['^src/(http|queue|sim|workflows|events|redis|roster)/', '^src/gitlab/(?!port\\.ts$)', 'node_modules/(fastify|bullmq|ioredis|@gitbeaker)'] },
    },
    {
      name: 'plans-are-pure',
      comment: 'workflow plans import no Fastify, BullMQ, ioredis or gitbeaker',
      severity: 'error',
      from: { path: '^src/workflows/.*/plan-[^/]*\\.ts$' },
      to: { path: ['^src/(http|queue|sim|redis)/', '^src/gitlab/(?!port\\.ts$)', 'node_modules/(fastify|bullmq|ioredis|@gitbeaker)'] },
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
