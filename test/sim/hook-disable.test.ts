import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startTeamSim } from './sim-helpers.js';

describe('simulator: webhook auto-disabling (WebHooks::AutoDisabling)', () => {
  let t: Awaited<ReturnType<typeof startTeamSim>>;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let failing = true;
  let P: string;
  let H: string;
  let clock = Date.parse('2026-05-01T00:00:00Z');
  const setClock = (ms: number) => {
    clock = ms;
    t.sim.setClock(new Date(ms).toISOString());
  };
  const hook = async () => (await t.as('mia').call('GET', H)).body;
  const trigger = async () => {
    await t.as('mia').call('POST', `${P}/issues`, { title: 'event' });
    await t.sim.idle();
  };

  beforeAll(async () => {
    t = await startTeamSim();
    rx = await startReceiver(() => (failing ? 500 : 200));
    P = `/projects/${t.projectId}`;
    H = `${P}/hooks/${(await t.as('mia').call('POST', `${P}/hooks`, { url: rx.url, issues_events: true })).body.id}`;
    setClock(clock);
  });
  afterAll(async () => {
    await t.sim.close();
    await rx.close();
  });

  it('tolerates failures 1-3, then disables for 1 minute, then 2, and drops events meanwhile', async () => {
    for (let n = 1; n <= 3; n += 1) {
      await trigger();
      expect((await hook()).alert_status).toBe('executable');
    }
    await trigger();
    const h4 = await hook();
    expect(h4.alert_status).toBe('temporarily_disabled');
    expect(Date.parse(h4.disabled_until) - clock).toBe(60_000);
    const delivered = rx.got.length;
    const dropped = t.sim.requests().webhooks.dropped;
    await trigger();
    expect(rx.got.length).toBe(delivered);
    expect(t.sim.requests().webhooks.dropped).toBe(dropped + 1);
    setClock(clock + 61_000);
    expect((await hook()).alert_status).toBe('executable');
    await trigger();
    const h5 = await hook();
    expect(Date.parse(h5.disabled_until) - clock).toBe(120_000);
    const logs = (await t.as('mia').call('GET', `${H}/events?status=server_failure`)).body;
    expect(logs).toHaveLength(5);
    expect(logs[0].response_status).toBe('500');
    expect((await t.as('mia').call('GET', `${H}/events?status=500`)).body).toHaveLength(5);
  });

  it('resets on any success', async () => {
    setClock(clock + 121_000);
    failing = false;
    await trigger();
    expect(await hook()).toMatchObject({ alert_status: 'executable', disabled_until: null });
  });

  it('backs off up to 24 h and disables for good on the 40th consecutive failure', async () => {
    failing = true;
    let lastBackoff = 0;
    for (let n = 1; n <= 39; n += 1) {
      await trigger();
      const h = await hook();
      if (n <= 3) expect(h.alert_status).toBe('executable');
      else {
        expect(h.alert_status).toBe('temporarily_disabled');
        lastBackoff = Date.parse(h.disabled_until) - clock;
        setClock(Date.parse(h.disabled_until) + 1000);
      }
    }
    expect(lastBackoff).toBe(86_400_000);
    await trigger();
    expect((await hook()).alert_status).toBe('disabled');
    setClock(clock + 10 * 86_400_000);
    expect((await hook()).alert_status).toBe('disabled');
    const before = rx.got.length;
    await trigger();
    expect(rx.got.length).toBe(before);
  });
});
