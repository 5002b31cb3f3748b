import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSimCommand } from '../../src/sim/cli.js';
import { client } from './sim-helpers.js';

describe('trellis sim (runSimCommand)', () => {
  it('starts from a YAML seed with the gitlab.com preset and prints the URL and root token', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sim-seed-'));
    const file = path.join(dir, 'seed.yml');
    writeFileSync(file, 'users:\n  - username: ann\n    tokens: [tok-ann]\nprojects:\n  - path: infra/career\n    members:\n      - { username: ann, access_level: 30 }\n    labels:\n      - { name: ready, color: "#00ff00" }\n');
    const lines: string[] = [];
    const sim = await runSimCommand({ port: 0, host: '127.0.0.1', rootToken: 'cli-root', preset: 'gitlab.com', seedFile: file, print: (l) => lines.push(l) });
    try {
      expect(lines.join('\n')).toContain(sim.url);
      expect(lines.join('\n')).toContain('cli-root');
      const labels = await client(sim, 'tok-ann').call('GET', '/projects/infra%2Fcareer/labels');
      expect(labels.body.map((l: { name: string }) => l.name)).toEqual(['ready']);
      const limits = await fetch(`${sim.url}/-/sim/limits`, { headers: { 'PRIVATE-TOKEN': 'cli-root' } });
      expect(await limits.json()).toEqual({ api_per_minute: 2000, issue_create_per_minute: 200, note_create_per_minute: 60 });
    } finally {
      await sim.close();
    }
  });

  it('starts on the Free tier when asked, and refuses an unknown tier', async () => {
    const lines: string[] = [];
    const sim = await runSimCommand({ port: 0, host: '127.0.0.1', rootToken: 'cli-free', tier: 'free', print: (l) => lines.push(l) });
    try {
      expect(lines).toContain('tier: free');
      const settings = await fetch(`${sim.url}/-/sim/settings`, { headers: { 'PRIVATE-TOKEN': 'cli-free' } });
      expect(await settings.json()).toEqual({ tier: 'free', scoped_labels: false });
    } finally {
      await sim.close();
    }
    await expect(runSimCommand({ port: 0, host: '127.0.0.1', rootToken: 'x', tier: 'gold', print: () => {} })).rejects.toThrow(/unknown tier/);
  });

  it('refuses an unknown preset', async () => {
    await expect(runSimCommand({ port: 0, host: '127.0.0.1', rootToken: 'x', preset: 'gitlab.org', print: () => {} })).rejects.toThrow(/unknown preset/);
  });
});
