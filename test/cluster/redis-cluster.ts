import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A Redis Cluster of the test's own: 3 primaries, no replicas, on free loopback ports. */
export interface TestCluster {
  /** REDIS_URL for Trellis: `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`. */
  readonly url: string;
  readonly ports: readonly number[];
  /** Stops every node and deletes their directory. */
  close(): Promise<void>;
}

/** True when `port` can be bound on loopback now. */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000) || taken.has(port - 10_000)) continue;
    if ((await bindable(port)) && (await bindable(port + 10_000))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port pair for a cluster node');
}

async function clusterInfo(port: number): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
  return stdout;
}

/**
 * Starts three `redis-server --cluster-enabled yes` nodes (data in a temporary directory), joins
 * them with `redis-cli --cluster create --cluster-replicas 0`, and waits until every node reports
 * `cluster_state:ok`. Needs redis-server and redis-cli (the system's redis package).
 */
export async function startTestCluster(): Promise<TestCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trellis-cluster-'));
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) ports.push(await freeClusterPort(taken));
  const children: ChildProcess[] = [];
  const close = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`];
      args.push('--cluster-node-timeout', '5000', '--appendonly', 'no', '--save', '', '--daemonize', 'no', '--loglevel', 'warning', '--dbfilename', `dump-${port}.rdb`);
      children.push(spawn('redis-server', args, { stdio: 'ignore' }));
    }
    const deadline = Date.now() + 15_000;
    for (const port of ports) {
      while (!(await clusterInfo(port).then(() => true, () => false))) {
        if (Date.now() > deadline) throw new Error(`cluster node on ${port} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) {
      while (!(await clusterInfo(port)).includes('cluster_state:ok')) {
        if (Date.now() > deadline) throw new Error(`cluster node on ${port} never reported cluster_state:ok`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, close };
}
