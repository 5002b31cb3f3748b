import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { clearPrefix } from '../../src/redis/clear-prefix.js';
import { connectRedis, masterNodes } from '../../src/redis/connect-redis.js';
import { parseRedisUrl } from '../../src/redis/redis-url.js';
import { startE2E } from '../helpers/e2e.js';
import { keysMatching, randomPrefix } from '../helpers/redis.js';
import { eventQueueSuite } from '../integration/event-queue-suite.js';
import { redisStateSuite } from '../integration/redis-state-suite.js';
import { startTestCluster } from './redis-cluster.js';
import type { TestCluster } from './redis-cluster.js';

let cluster: TestCluster | undefined;

beforeAll(async () => {
  cluster = await startTestCluster();
}, 60_000);

afterAll(async () => {
  await cluster?.close();
});

function url(): string {
  if (!cluster) throw new Error('the test cluster did not start');
  return cluster.url;
}

describe('Trellis on a 3-primary Redis Cluster', () => {
  describe('REDIS_URL names the cluster', () => {
    it('reads redis+cluster://host:port,host:port with credentials as the seed nodes', () => {
      expect(parseRedisUrl('redis+cluster://:s%40cret@10.0.0.1:7000,10.0.0.2,[::1]:7002')).toEqual({
        cluster: true,
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 6379 },
          { host: '::1', port: 7002 },
        ],
        password: 's@cret',
        tls: false,
      });
      expect(parseRedisUrl('redis://127.0.0.1:6379/2')).toEqual({ cluster: false, url: 'redis://127.0.0.1:6379/2' });
    });

    it('refuses a cluster URL without a node, or a queue prefix without a hash tag, at start-up', () => {
      expect(() => loadConfig({ REDIS_URL: 'redis+cluster://' })).toThrow(/REDIS_URL/);
      // Without a hash tag, a queue's keys would spread over slots and BullMQ's scripts fail.
      expect(() => loadConfig({ REDIS_URL: 'redis+cluster://10.0.0.1:7000', TRELLIS_QUEUE_PREFIX: 'trellis' })).toThrow(/hash tag/);
      expect(loadConfig({ REDIS_URL: 'redis+cluster://10.0.0.1:7000' }).queuePrefix).toBe('{trellis}');
    });

    it('deletes a prefix on every master, keys of many slots included', async () => {
      const redis = connectRedis(url(), { maxRetriesPerRequest: 3 });
      const prefix = randomPrefix('spread');
      // No hash tag after the prefix's own: a plain prefix spreads keys over all three masters.
      const plain = prefix.replace(/[{}]/g, '');
      for (let i = 0; i < 60; i++) await redis.set(`${plain}:${i}`, '1');
      const perNode = await Promise.all(masterNodes(redis).map(async (n) => (await n.keys(`${plain}:*`)).length));
      expect(perNode.filter((n) => n > 0).length).toBeGreaterThan(1);
      expect(await clearPrefix(redis, plain)).toBe(60);
      expect(await keysMatching(redis, `${plain}:*`)).toEqual([]);
      await redis.quit();
    });
  });

  eventQueueSuite(url);
  redisStateSuite(url);

  describe('end to end', () => {
    it('answers help in a note, once, with every queue, lock and cache in the cluster', async () => {
      const e2e = await startE2E({ env: { REDIS_URL: url() } });
      try {
        expect(e2e.trellis.redisUrl).toBe(url());
        const issue = await e2e.as('alice').createIssue({ title: 'Where do I start?' });
        e2e.sim.setFaults({ webhook_duplicate_ratio: 1 });
        await e2e.as('alice').comment(issue.iid, '@trellis-bot help');
        await e2e.settle();
        e2e.sim.setFaults({ webhook_duplicate_ratio: 0 });
        const replies = (await e2e.as('alice').notes(issue.iid)).filter((n) => n.author.username === 'trellis-bot' && !n.system);
        expect(replies).toHaveLength(1);
        expect(replies[0]!.body).toContain('@trellis-bot sign-off');
        const redis = connectRedis(url(), { maxRetriesPerRequest: 3 });
        // The work went through the cluster: the events queue's keys live there.
        expect((await keysMatching(redis, `${e2e.prefix}:events:*`)).length).toBeGreaterThan(0);
        await redis.quit();
      } finally {
        await e2e.close();
      }
    }, 90_000);
  });
});
