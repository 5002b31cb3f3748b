import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

/** `npm test` runs scripts/ensure-test-system.sh first; these runs point it at a system we choose. */
const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'ensure-test-system.sh');
const dir = mkdtempSync(path.join(tmpdir(), 'trellis-system-'));
const nowhere = path.join(dir, 'not-installed');
const aptLog = path.join(dir, 'apt-get.log');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in apt-get that records its arguments and, on install, runs `onInstall`. */
function fakeAptGet(onInstall = 'true'): string {
  const file = path.join(dir, 'apt-get');
  writeFileSync(file, `#!/usr/bin/env bash\necho "$*" >> '${aptLog}'\n[ "$1" = install ] && { ${onInstall}; }\nexit 0\n`);
  chmodSync(file, 0o755);
  rmSync(aptLog, { force: true });
  return file;
}

function aptCalls(): string[] {
  return existsSync(aptLog) ? readFileSync(aptLog, 'utf8').trim().split('\n') : [];
}

function run(env: Record<string, string>) {
  const r = spawnSync('bash', [SCRIPT], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, said: r.stderr };
}

describe('scripts/ensure-test-system.sh, run first by npm test', () => {
  it('as a user who cannot install, stops naming each missing package and the command that installs it', () => {
    const r = run({
      TRELLIS_SYSTEM_CHROMIUM: nowhere, TRELLIS_SYSTEM_PYTHON: nowhere, TRELLIS_SYSTEM_REDIS_SERVER: nowhere,
      TRELLIS_SYSTEM_UID: '1000', TRELLIS_SYSTEM_APT_GET: fakeAptGet(),
    });
    expect(r.code).toBe(1);
    expect(r.said).toContain('missing: redis-server python3-gitlab chromium');
    expect(r.said).toContain(`chromium: ${nowhere} is missing`);
    expect(r.said).toContain(`python3-gitlab: ${nowhere} cannot import gitlab`);
    expect(r.said).toContain('not running as root');
    expect(r.said).toContain('sudo apt-get update && sudo apt-get install -y redis-server python3-gitlab chromium');
    expect(aptCalls()).toEqual([]);
  });

  it('names only what is missing: chromium alone', () => {
    const r = run({ TRELLIS_SYSTEM_CHROMIUM: nowhere, TRELLIS_SYSTEM_UID: '1000', TRELLIS_SYSTEM_APT_GET: fakeAptGet() });
    expect(r.code).toBe(1);
    expect(r.said).toContain('sudo apt-get install -y chromium\n');
    expect(r.said).not.toMatch(/python3-gitlab|redis-server:/);
  });

  it('as root without apt-get, stops with the command too', () => {
    const r = run({ TRELLIS_SYSTEM_CHROMIUM: nowhere, TRELLIS_SYSTEM_UID: '0', TRELLIS_SYSTEM_APT_GET: '' });
    expect(r.code).toBe(1);
    expect(r.said).toContain('apt-get is not available');
    expect(r.said).toContain('apt-get install -y chromium');
  });

  it('as root with apt-get, installs what is missing and goes on', () => {
    const chromium = path.join(dir, 'chromium');
    rmSync(chromium, { force: true });
    const apt = fakeAptGet(`printf '#!/bin/sh\\n' > '${chromium}' && chmod +x '${chromium}'`);
    const r = run({ TRELLIS_SYSTEM_CHROMIUM: chromium, TRELLIS_SYSTEM_UID: '0', TRELLIS_SYSTEM_APT_GET: apt });
    expect(r.said).toContain('installing chromium');
    expect(r.code).toBe(0);
    expect(aptCalls()).toEqual(['update -qq', 'install -y -qq chromium']);
  });

  it('fails when apt-get ran but the package is still missing', () => {
    const r = run({ TRELLIS_SYSTEM_CHROMIUM: nowhere, TRELLIS_SYSTEM_UID: '0', TRELLIS_SYSTEM_APT_GET: fakeAptGet() });
    expect(r.code).toBe(1);
    expect(r.said).toContain('still missing after apt-get install: chromium');
  });

  it('with everything present, makes no apt call (this machine passes the suites)', () => {
    const r = run({ TRELLIS_SYSTEM_UID: '0', TRELLIS_SYSTEM_APT_GET: fakeAptGet() });
    expect(r.said).toBe('');
    expect(r.code).toBe(0);
    expect(aptCalls()).toEqual([]);
  });

  it('starts a local redis-server when nothing answers at TEST_REDIS_URL', async () => {
    const port = await freePort();
    const r = run({ TEST_REDIS_URL: `redis://127.0.0.1:${port}` });
    const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      expect(r.said).toContain(`starting redis-server on 127.0.0.1:${port}`);
      expect(r.code).toBe(0);
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
    } finally {
      await redis.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
      redis.disconnect();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
