import { createGitbeakerGateway, type GitbeakerGatewayOptions } from '../../src/gitlab/gitbeaker-adapter.js';
import { unlimitedBudget } from '../../src/gitlab/api-budget.js';
import { silentLog } from '../../src/core/log.js';
import type { GitLabGateway } from '../../src/core/gitlab-port.js';
import { startSimulator, type RunningSim, type SimSeed } from '../../src/sim/index.js';
import { contractFixture as fx } from './contract-fixture.js';

/** `contractFixture` as a simulator seed. */
export function contractSeed(): SimSeed {
  return {
    users: [{ username: fx.bot, name: 'Trellis', tokens: [fx.botToken] }, ...fx.people.map((username) => ({ username }))],
    groups: [{ path: 'infra' }, { path: fx.recordsGroup, members: [{ username: fx.bot, access_level: 50 }] }],
    projects: [
      {
        path: fx.projectPath,
        default_branch: fx.defaultBranch,
        members: [{ username: fx.bot, access_level: fx.botAccessLevel }, ...fx.people.map((username) => ({ username, access_level: 30 }))],
        files: { ...fx.files },
      },
      {
        path: fx.otherProjectPath,
        default_branch: fx.defaultBranch,
        members: [{ username: fx.bot, access_level: fx.botAccessLevel }, ...fx.people.map((username) => ({ username, access_level: 30 }))],
      },
    ],
  };
}

/** A simulator seeded with the contract fixture and a gitbeaker gateway on it, as the bot. */
export async function simWithGateway(over: Partial<GitbeakerGatewayOptions> = {}): Promise<{ sim: RunningSim; gw: GitLabGateway; gateway(o?: Partial<GitbeakerGatewayOptions>): GitLabGateway }> {
  const sim = await startSimulator({ seed: contractSeed() });
  const gateway = (o: Partial<GitbeakerGatewayOptions> = {}): GitLabGateway =>
    createGitbeakerGateway({ url: sim.url, token: fx.botToken, project: fx.projectPath, budget: unlimitedBudget, log: silentLog, ...over, ...o });
  return { sim, gw: gateway(), gateway };
}
