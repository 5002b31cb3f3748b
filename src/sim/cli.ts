import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { startSimulator, type RunningSim, type SimSeed } from './index.js';

/** Options of `trellis sim`. */
export interface SimCommandOptions {
  port: number;
  host: string;
  rootToken: string;
  preset?: string;
  /** `premium` (default) or `free`; see README.md, Tiers. */
  tier?: string;
  seedFile?: string;
  print: (line: string) => void;
}

/** Reads a seed file: JSON when it parses as JSON, YAML otherwise (YAML is a superset anyway). */
export async function readSeedFile(file: string): Promise<SimSeed> {
  const text = await readFile(file, 'utf8');
  const data: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${file}: a seed is a mapping with users, groups and projects`);
  return data as SimSeed;
}

/** Runs `trellis sim`: starts the simulator (seeded if asked) and prints its URL and root token. */
export async function runSimCommand(opts: SimCommandOptions): Promise<RunningSim> {
  if (opts.preset !== undefined && opts.preset !== 'gitlab.com') throw new Error(`unknown preset: ${opts.preset} (known: gitlab.com)`);
  if (opts.tier !== undefined && opts.tier !== 'free' && opts.tier !== 'premium') throw new Error(`unknown tier: ${opts.tier} (known: free, premium)`);
  const seed = opts.seedFile ? await readSeedFile(opts.seedFile) : undefined;
  const sim = await startSimulator({
    port: opts.port, host: opts.host, rootToken: opts.rootToken, ...(opts.preset === 'gitlab.com' ? { preset: 'gitlab.com' as const } : {}), seed,
    ...(opts.tier === 'free' || opts.tier === 'premium' ? { tier: opts.tier } : {}),
  });
  opts.print(`GitLab simulator listening on ${sim.url} (API ${sim.url}/api/v4)`);
  opts.print(`root token: ${sim.rootToken}`);
  if (opts.preset) opts.print(`preset: ${opts.preset}`);
  if (opts.tier) opts.print(`tier: ${opts.tier}`);
  return sim;
}
