import { startSimulator } from '../../src/sim/index.js';
import type { RunningSim } from '../../src/sim/index.js';
import { department } from './department.js';

/**
 * A simulator with the records project `infra/career` (roster on its default branch) and the bot as
 * Maintainer, for Trellis processes the bench starts as children. No webhook: the bench posts itself.
 */
export async function startSimProject(): Promise<{ sim: RunningSim; projectId: number }> {
  const dept = department(2, 4);
  const people = ['dir', ...dept.managers, ...dept.engineers];
  const sim = await startSimulator({ port: 0 });
  const seeded = await sim.seed({
    users: [{ username: 'trellis-bot', name: 'Trellis', tokens: ['tok-trellis-bot'] }, ...people.map((u) => ({ username: u, name: u, tokens: [`tok-${u}`] }))],
    groups: [{ path: 'infra' }],
    projects: [
      {
        path: 'infra/career',
        default_branch: 'main',
        members: [{ username: 'trellis-bot', access_level: 40 }, ...people.map((u) => ({ username: u, access_level: 30 }))],
        files: { '.trellis/roster.yml': dept.yaml },
      },
    ],
  });
  return { sim, projectId: seeded.projects['infra/career']!.id };
}
