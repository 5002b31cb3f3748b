/**
 * Mutations of real GitLab payloads for the fuzzing test: each case is one seed payload with one to
 * three structural changes (a key dropped, a type changed, a huge or exotic string, deep nesting,
 * nulls, arrays for objects, numbers as strings) or a text-level corruption of its JSON.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = ReadonlyArray<string | number>;

/** Strings that break naive handling: controls, bidi overrides, lone surrogates, zero-width, emoji, RTL, NUL. */
export const UNICODE = [
  '\u0000',
  '\u202e\u2066evil\u2069',
  '\ud800',
  '\udfff',
  '\u200b\u200d\ufeff',
  '👩🏽‍💻🏳️‍🌈',
  'e\u0301\u0301\u0301',
  'مرحبا',
  '日本語のテキスト',
  '\r\n\u2028\u2029',
  '%s%n{{this}}${x}',
  '\\u0000',
];

/** Every path into a document (object keys and array indices), the root excluded. */
export function pathsOf(doc: Json, prefix: Path = [], out: Path[] = []): Path[] {
  const children: Array<[string | number, Json]> = Array.isArray(doc) ? doc.map((v, i) => [i, v]) : doc !== null && typeof doc === 'object' ? Object.entries(doc) : [];
  for (const [key, value] of children) {
    out.push([...prefix, key]);
    pathsOf(value, [...prefix, key], out);
  }
  return out;
}

function parentOf(doc: Json, path: Path): { parent: Json[] | Record<string, Json>; key: string | number } | null {
  let node: Json = doc;
  for (const step of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, Json>)[step as string] ?? null;
  }
  if (node === null || typeof node !== 'object') return null;
  return { parent: node, key: path[path.length - 1]! };
}

function get(doc: Json, path: Path): Json | undefined {
  const p = parentOf(doc, path);
  return p ? (p.parent as Record<string, Json>)[p.key as string] : undefined;
}

function set(doc: Json, path: Path, value: Json): void {
  const p = parentOf(doc, path);
  if (p) (p.parent as Record<string, Json>)[p.key as string] = value;
}

function drop(doc: Json, path: Path): void {
  const p = parentOf(doc, path);
  if (!p) return;
  if (Array.isArray(p.parent)) p.parent.splice(Number(p.key), 1);
  else delete p.parent[p.key as string];
}

/**
 * Deep nesting is written into the JSON text at the end (see {@link toText}), not built as objects:
 * tens of thousands of levels would overflow the stack of anything here that walks the document.
 */
const DEEP = /"\\u0000deep:(\d+):([ao])\\u0000"/g;

/** The document as JSON text, with deep-nesting placeholders expanded. */
export function toText(doc: Json): string {
  return JSON.stringify(doc).replace(DEEP, (_m, depth: string, kind: string) => {
    const n = Number(depth);
    return kind === 'a' ? `${'['.repeat(n)}1${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  });
}

export interface Mutation {
  readonly name: string;
  apply(doc: Json, path: Path, rnd: () => number): void;
}

const pick = <T>(items: readonly T[], rnd: () => number): T => items[Math.floor(rnd() * items.length)]!;

/** The structural mutations, each named for the failure report. */
export const MUTATIONS: readonly Mutation[] = [
  { name: 'drop key', apply: (d, p) => drop(d, p) },
  { name: 'null', apply: (d, p) => set(d, p, null) },
  {
    name: 'change type',
    apply: (d, p, rnd) => set(d, p, pick<Json>([true, false, 0, -1, 1.5, 2 ** 60, 1e308, '', 'text', [], {}, [1, 'a'], { title: 1 }], rnd)),
  },
  {
    name: 'number as string',
    apply: (d, p) => {
      const v = get(d, p);
      if (typeof v === 'number') set(d, p, String(v));
      else if (typeof v === 'string' && /^-?\d+$/.test(v)) set(d, p, Number(v));
      else if (typeof v === 'boolean') set(d, p, String(v));
    },
  },
  {
    name: 'array for object',
    apply: (d, p) => {
      const v = get(d, p);
      if (Array.isArray(v)) set(d, p, Object.fromEntries(v.map((x, i) => [String(i), x])));
      else if (v !== null && typeof v === 'object') set(d, p, [v]);
      else if (v !== undefined) set(d, p, [v]);
    },
  },
  {
    name: 'huge string',
    apply: (d, p, rnd) => set(d, p, pick(['x', 'ab', '🙂', '<script>', '/close\n'], rnd).repeat(1000 + Math.floor(rnd() * 5_000))),
  },
  {
    name: 'unicode',
    apply: (d, p, rnd) => {
      const v = get(d, p);
      const u = pick(UNICODE, rnd);
      set(d, p, typeof v === 'string' ? (rnd() < 0.5 ? `${v}${u}` : `${u}${v}`) : u);
    },
  },
  { name: 'deep nesting', apply: (d, p, rnd) => set(d, p, `\u0000deep:${100 + Math.floor(rnd() * 5_000)}:${rnd() < 0.5 ? 'a' : 'o'}\u0000`) },
  {
    name: 'odd key',
    apply: (d, p, rnd) => {
      const v = get(d, p);
      // defineProperty, so `__proto__` becomes an own key as JSON.parse makes it, not a prototype change.
      const key = pick(['__proto__', 'constructor', 'toString', '', 'hasOwnProperty'], rnd);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.defineProperty(v, key, { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
    },
  },
  {
    name: 'object_kind',
    apply: (d, _p, rnd) => {
      if (d !== null && typeof d === 'object' && !Array.isArray(d)) d.object_kind = pick<Json>(['work_item', 'merge_request', 'note', 'issue', 'push', 7, null], rnd);
    },
  },
];

/** Text corruptions that make the JSON malformed (mostly: a truncation can still leave valid JSON). */
export const CORRUPTIONS: ReadonlyArray<{ readonly name: string; apply(text: string, rnd: () => number): string }> = [
  { name: 'truncated', apply: (t, rnd) => t.slice(0, Math.floor(rnd() * t.length)) },
  { name: 'stray character', apply: (t, rnd) => { const at = Math.floor(rnd() * t.length); return `${t.slice(0, at)}${pick(['{', '}', '"', ',', ':', '\\', 'x', ']'], rnd)}${t.slice(at)}`; } },
  { name: 'trailing comma', apply: (t) => t.replace(/}\s*$/, ',}') },
  { name: 'single quotes', apply: (t) => t.replace(/"/g, "'") },
  { name: 'byte order mark', apply: (t) => `\ufeff${t}` },
  { name: 'NaN', apply: (t) => t.replace(/:\s*(\d+)/, ': NaN') },
  { name: 'empty', apply: () => '' },
  { name: 'two documents', apply: (t) => `${t}${t}` },
  { name: 'comment', apply: (t) => `// GitLab\n${t}` },
];

/** Paths that lead to fields Trellis reads, to aim half the mutations at what matters. */
export function isNeeded(path: Path): boolean {
  const head = String(path[0]);
  return ['user', 'project', 'object_attributes', 'issue', 'labels', 'assignees', 'assignee', 'changes', 'event_type', 'ref', 'after', 'user_id', 'user_username', 'commits', 'total_commits_count'].includes(head) && path.length <= 4;
}

/** One to three mutations of a copy of `seed`; returns the new document and what was done. */
export function mutate(seed: Json, rnd: () => number): { doc: Json; done: string[] } {
  const doc = structuredClone(seed);
  const done: string[] = [];
  const count = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < count; i++) {
    const all = pathsOf(doc);
    const needed = all.filter(isNeeded);
    const pool = rnd() < 0.6 && needed.length > 0 ? needed : all;
    if (pool.length === 0) break;
    const path = pick(pool, rnd);
    const m = pick(MUTATIONS, rnd);
    m.apply(doc, path, rnd);
    done.push(`${m.name} at ${path.join('.')}`);
  }
  return { doc, done };
}
