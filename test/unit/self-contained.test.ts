import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A clone with nothing beside it passes its tests: no file reaches outside the repository, and every
 * page a comment or a link names is in it (docs/README.md).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SKIP = new Set(['node_modules', 'dist', '.git', '.trellis-data', 'coverage', 'artifacts', 'results']);
const TEXT = /\.(ts|js|cjs|mjs|json|md|sh|ya?ml)$|^(run|Dockerfile)$/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name) || name.startsWith('.node-')) return [];
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return walk(full);
    return TEXT.test(name) ? [full] : [];
  });
}

const files = walk(ROOT).filter((f) => !f.endsWith('package-lock.json'));
const rel = (f: string) => path.relative(ROOT, f);
const read = (f: string) => readFileSync(f, 'utf8');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  const text = read(file).replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

/** Why a link or citation of `target` (a path, maybe with #anchor) from `from` does not resolve, or null. */
function broken(target: string, base: string): string | null {
  const [file = '', anchor] = target.split('#');
  const full = file === '' ? base : path.resolve(path.dirname(base), file);
  if (!existsSync(full)) return 'no such file';
  if (anchor && full.endsWith('.md') && !anchors(full).has(anchor)) return `no heading #${anchor}`;
  return null;
}

describe('the repository is self-contained', () => {
  it('looks at the sources, tests, scripts and docs (so the checks below can fail)', () => {
    const names = files.map(rel);
    for (const expected of ['src/main.ts', 'test/sim/sim-helpers.ts', 'scripts/ensure-test-system.sh', '.ci/run', 'README.md', 'docs/architecture.md']) {
      expect(names).toContain(expected);
    }
  });

  it('no file reads or cites anything beside the clone', () => {
    const outside = new RegExp(['\\.\\./shared', '/work/' + 'shared', 'shared/' + 'gitlab'].join('|'));
    const hits = files.filter((f) => f !== fileURLToPath(import.meta.url)).flatMap((f) =>
      read(f).split('\n').flatMap((line, i) => (outside.test(line) ? [`${rel(f)}:${i + 1}: ${line.trim()}`] : [])));
    expect(hits).toEqual([]);
  });

  it('no comment cites a design, style or facts file that is not in the repository', () => {
    const outsideDoc = new RegExp(`\\b(${['DESIGN', 'STYLE', 'FACTS'].join('|')})\\.md\\b`);
    const hits = files.filter((f) => f !== fileURLToPath(import.meta.url)).flatMap((f) =>
      read(f).split('\n').flatMap((line, i) => (outsideDoc.test(line) ? [`${rel(f)}:${i + 1}: ${line.trim()}`] : [])));
    expect(hits).toEqual([]);
  });

  it('every docs/ page a source, test or script names exists, with the heading it names', () => {
    const code = files.filter((f) => !f.endsWith('.md') && f !== fileURLToPath(import.meta.url));
    // Comment lines only: a test's data may name a docs/ file of a simulated project.
    const comment = /^\s*(\/\/|\/\*|\*|#)|\s\/\/\s/;
    const cited = code.flatMap((f) => read(f).split('\n').filter((line) => comment.test(line))
      .flatMap((line) => [...line.matchAll(/\bdocs\/[\w./-]+\.md(?:#[\w-]+)?/g)].map((m) => ({ at: rel(f), target: m[0] }))));
    expect(cited.length).toBeGreaterThan(10);
    const bad = cited.flatMap(({ at, target }) => {
      const why = broken(target, path.join(ROOT, 'x'));
      return why ? [`${at}: ${target}: ${why}`] : [];
    });
    expect(bad).toEqual([]);
  });

  it('every relative link in the Markdown files resolves, headings included', () => {
    // Issue templates are Handlebars: their links are filled in per person.
    const pages = files.filter((f) => f.endsWith('.md') && !rel(f).startsWith('issue_templates/'));
    const links = pages.flatMap((f) => [...read(f).replace(/^```[\s\S]*?^```/gm, '').matchAll(/\]\(([^)\s]+)\)/g)]
      .map((m) => m[1]!)
      .filter((t) => !/^[a-z]+:/i.test(t))
      .map((target) => ({ from: f, target })));
    expect(links.length).toBeGreaterThan(30);
    const bad = links.flatMap(({ from, target }) => {
      const why = broken(target, from);
      return why ? [`${rel(from)}: ${target}: ${why}`] : [];
    });
    expect(bad).toEqual([]);
  });

  it('a heading link that does not exist is caught', () => {
    expect(broken('docs/architecture.md#principles', path.join(ROOT, 'x'))).toBeNull();
    expect(broken('docs/architecture.md#no-such-heading', path.join(ROOT, 'x'))).toBe('no heading #no-such-heading');
    expect(broken('docs/no-such-page.md', path.join(ROOT, 'x'))).toBe('no such file');
  });
});
