import { createMemoryGateway } from '../../src/gitlab/memory-adapter.js';
import { contractFixture as fx } from './contract-fixture.js';
import { runGatewayContract } from './gateway-contract.js';

runGatewayContract('in-memory adapter', async () => ({
  gw: createMemoryGateway({
    projectPath: fx.projectPath,
    otherProjects: [fx.otherProjectPath],
    botUsername: fx.bot,
    users: [...fx.people],
    accessLevel: fx.botAccessLevel,
    defaultBranch: fx.defaultBranch,
    files: fx.files,
    groups: ['infra', fx.recordsGroup],
  }),
  cleanup: () => Promise.resolve(),
}));
