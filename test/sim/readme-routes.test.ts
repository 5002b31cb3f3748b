import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './sim-helpers.js';

const SIM = path.join(repoRoot, 'src', 'sim');

/** Every `METHOD /path` the route files register; hook routes are written for both parents (`${base}`). */
function registeredRoutes(): string[] {
  const out = new Set<string>();
  for (const file of readdirSync(SIM).filter((f) => /^routes-.*\.ts$/.test(f) && f !== 'routes-sim.ts')) {
    const text = readFileSync(path.join(SIM, file), 'utf8');
    for (const m of text.matchAll(/app\.(get|post|put|delete)\(\s*(['`])([^'`]+)\2/g)) {
      const method = m[1]!.toUpperCase();
      const route = m[3]!;
      const bases = route.includes('${base}') ? ['/projects/:id/hooks', '/groups/:id/hooks'] : [''];
      for (const base of bases) out.add(`${method} ${route.replace('${base}', base)}`);
    }
    // `app.get(base, ...)` and `app.post(base, ...)`: the hook lists themselves.
    for (const m of text.matchAll(/app\.(get|post)\(base,/g)) {
      for (const base of ['/projects/:id/hooks', '/groups/:id/hooks']) out.add(`${m[1]!.toUpperCase()} ${base}`);
    }
  }
  return [...out].sort();
}

describe('the simulator\'s README', () => {
  it('names every route the simulator registers, and the GitLab version and tier it follows', () => {
    const readme = readFileSync(path.join(SIM, 'README.md'), 'utf8');
    const routes = registeredRoutes();
    expect(routes.length).toBeGreaterThan(100);
    expect(routes.filter((r) => !readme.includes(`\`${r}\``))).toEqual([]);
    expect(readme).toMatch(/\*\*Version and tier followed:\*\* GitLab 17\.7\+/);
  });
});
