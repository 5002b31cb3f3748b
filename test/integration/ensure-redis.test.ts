import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { silentLog } from '../../src/core/log.js';
import { ensureRedis } from '../../src/redis/ensure-redis.js';

describe('finding or starting Redis for npm start', () => {
  it('uses REDIS_URL when it is set, without probing', async () => {
    expect(await ensureRedis({ url: 'redis://example.invalid:1', dataDir: '/nonexistent', log: silentLog })).toEqual({ url: 'redis://example.invalid:1' });
  });

  it('uses 127.0.0.1:6379 when something answers there', async () => {
    expect((await ensureRedis({ url: undefined, dataDir: '/nonexistent', log: silentLog })).url).toBe('redis://127.0.0.1:6379');
  });

  it('starts a private redis-server with an append-only file when nothing answers, and says so', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'trellis-redis-'));
    const said: string[] = [];
    const privatePort = 20000 + Math.floor(Math.random() * 20000);
    const started = await ensureRedis({ url: undefined, dataDir: dir, log: silentLog, print: (l) => said.push(l), defaultPort: 1, privatePort });
    try {
      expect(started.url).toBe(`redis://127.0.0.1:${privatePort}`);
      const client = new Redis(started.url);
      await client.set('k', 'v');
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      await client.quit();
      expect(said.join('\n')).toMatch(/started a private redis-server/);
      expect(await readdir(path.join(dir, 'redis'))).not.toEqual([]);
    } finally {
      started.stop?.();
      await new Promise((r) => setTimeout(r, 200));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
