import { runGatewayContract } from './gateway-contract.js';
import { simWithGateway } from './sim-fixture.js';

// The real adapter over real HTTP against the GitLab simulator: no HTTP mocking.
runGatewayContract('gitbeaker adapter on the simulator', async () => {
  const { sim, gw } = await simWithGateway();
  return { gw, cleanup: () => sim.close() };
});
