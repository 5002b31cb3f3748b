import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { demoStatePath, withRunningDemo, writeDemoState } from '../../src/demo/demo-state.js';
import type { DemoState } from '../../src/demo/demo-state.js';
import { createLogger } from '../../src/logger.js';

/** The pieces of a friendly demo that need no running demo: where it listens, how it logs, how commands find it. */

const GITLAB = { GITLAB_URL: 'https://gitlab.example.com', GITLAB_TOKEN: 't', GITLAB_PROJECT: 'infra/career' };

describe('where Trellis listens', () => {
  it.each([
    ['demo mode (no GitLab)', {}, '127.0.0.1'],
    ['GitLab configured', GITLAB, '0.0.0.0'],
    ['demo mode with HOST set', { HOST: '0.0.0.0' }, '0.0.0.0'],
    ['GitLab configured with HOST set', { ...GITLAB, HOST: '10.0.0.5' }, '10.0.0.5'],
  ])('%s: %s', (_name, env, host) => {
    expect(loadConfig(env).host).toBe(host);
  });
});

/** A terminal (or a pipe) that keeps what is written to it. */
function terminal(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return Object.assign(out, { isTTY, text: () => text });
}

/** Drops colour codes, so a test reads what a person sees. */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[\d+m/g, '');
}

describe('logs', () => {
  it('on a terminal, one readable line per event: time, level, message, fields; secrets redacted', () => {
    const out = terminal(true);
    createLogger('info', { out }).info({ iid: 4, workflow: 'internship', hook: { token: 'hunter2' } }, 'internship request planned');
    expect(plain(out.text())).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}internship request planned iid=4 workflow=internship hook=\{"token":"\[redacted\]"\}\n$/);
  });

  it('a request is one line with its method, path, status and duration', () => {
    const out = terminal(true);
    const log = createLogger('info', { out });
    log.info({ reqId: 'r1', req: { method: 'POST', url: '/webhooks/gitlab' } }, 'incoming request');
    log.info({ reqId: 'r1', res: { statusCode: 202 }, responseTime: 2.4 }, 'request completed');
    expect(plain(out.text())).toMatch(/^\S+ INFO {2}request POST \/webhooks\/gitlab 202 2ms\n$/);
  });

  it('into a pipe or a file, JSON lines', () => {
    const out = terminal(false);
    createLogger('info', { out }).warn({ iid: 4 }, 'label update failed');
    expect(JSON.parse(out.text())).toMatchObject({ level: 40, iid: 4, msg: 'label update failed' });
  });

  it.each([
    ['json', true, 'json'],
    ['pretty', false, 'pretty'],
  ] as const)('LOG_FORMAT=%s wins over what stdout is (a terminal: %s)', (format, isTTY, expected) => {
    const out = terminal(isTTY);
    createLogger('info', { out, format: loadConfig({ LOG_FORMAT: format }).logFormat }).info('hello');
    expect(out.text().startsWith('{')).toBe(expected === 'json');
  });
});

describe('commands find the running demo', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trellis-demo-state-'));
  const file = demoStatePath(dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const state = (pid: number): DemoState => ({
    pid,
    startedAt: '2026-12-05T13:00:00.000Z',
    trellisUrl: 'http://127.0.0.1:8080',
    gitlabUrl: 'http://127.0.0.1:8081',
    token: 'demo-trellis-bot-token',
    rootToken: 'sim-root-token',
    project: 'infra/career',
    recordsGroup: 'career-records',
    webhookSecret: 'demo-webhook-secret',
    dashboardUrl: 'http://127.0.0.1:8080/dashboard',
    dashboardToken: 'abc',
    redisUrl: 'redis://127.0.0.1:6379',
    queuePrefix: '{trellis-demo}',
  });

  it('with no GitLab variables, a command uses the running demo and says so in one line', () => {
    writeDemoState(file, state(process.pid));
    const said: string[] = [];
    const cfg = loadConfig(withRunningDemo({ TRELLIS_DATA_DIR: dir }, (l) => said.push(l)));
    expect(said).toEqual([`using the running demo at http://127.0.0.1:8080 (GitLab simulator http://127.0.0.1:8081, pid ${process.pid})`]);
    expect(cfg.gitlab).toEqual({ url: 'http://127.0.0.1:8081', token: 'demo-trellis-bot-token', project: 'infra/career', recordsGroup: 'career-records' });
    expect([cfg.queuePrefix, cfg.webhookSecrets, cfg.dashboardToken]).toEqual(['{trellis-demo}', ['demo-webhook-secret'], 'abc']);
  });

  it('a variable that is set wins over the demo; GitLab variables turn the demo off', () => {
    writeDemoState(file, state(process.pid));
    const said: string[] = [];
    expect(loadConfig(withRunningDemo({ TRELLIS_DATA_DIR: dir, TRELLIS_QUEUE_PREFIX: '{mine}' }, (l) => said.push(l))).queuePrefix).toBe('{mine}');
    expect(loadConfig(withRunningDemo({ TRELLIS_DATA_DIR: dir, ...GITLAB }, (l) => said.push(l))).gitlab?.url).toBe('https://gitlab.example.com');
    expect(said).toHaveLength(1);
  });

  it('a state file left by a demo that is gone (or unreadable) is ignored', () => {
    const said: string[] = [];
    writeDemoState(file, state(2 ** 22 + 12345));
    expect(loadConfig(withRunningDemo({ TRELLIS_DATA_DIR: dir }, (l) => said.push(l))).gitlab).toBeUndefined();
    writeFileSync(file, '{ not json');
    expect(loadConfig(withRunningDemo({ TRELLIS_DATA_DIR: dir }, (l) => said.push(l))).gitlab).toBeUndefined();
    expect(said).toEqual([]);
  });
});
