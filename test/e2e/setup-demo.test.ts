import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startDemo } from '../../src/demo/start-demo.js';

/** Demo mode in a container: the simulator must answer on the container's own address, not only on loopback. */

function externalAddress(): string {
  const found = Object.values(networkInterfaces()).flat().find((a) => a?.family === 'IPv4' && !a.internal);
  if (!found) throw new Error('this machine has no IPv4 address besides loopback, so the test cannot tell 0.0.0.0 from 127.0.0.1');
  return found.address;
}

async function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.status < 500, () => false);
}

describe('demo mode', () => {
  it.each([
    ['0.0.0.0', true],
    ['127.0.0.1', false],
  ])('with TRELLIS_DEMO_SIM_HOST=%s, the simulator answers on the machine address: %s', async (host, reachable) => {
    const demo = await startDemo(loadConfig({ TRELLIS_DEMO_SIM_HOST: host }), 0);
    try {
      const port = new URL(demo.sim.url).port;
      expect(demo.sim.url).toBe(`http://127.0.0.1:${port}`);
      expect(await answers(`${demo.sim.url}/api/v4/version`)).toBe(true);
      expect(await answers(`http://${externalAddress()}:${port}/api/v4/version`)).toBe(reachable);
    } finally {
      await demo.sim.close();
    }
  });
});
