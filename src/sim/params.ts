import { invalid, missing, notValidValue } from './errors.js';

/** Request parameters: query string merged with a JSON or form body, as Grape merges them. */
export type Params = Record<string, unknown>;

/** Parses a query string keeping repeated keys as arrays (`iids[]=1&iids[]=2`). */
export function parseQuery(text: string): Params {
  const out: Params = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[key] = [prev, value];
  }
  return out;
}

/** The value of `key`, also accepting the `key[]` spelling forms and query strings use. */
export function raw(p: Params, key: string): unknown {
  if (p[key] !== undefined) return p[key];
  return p[`${key}[]`];
}

/** Whether the parameter was given at all (null counts: clients send null to clear a field). */
export function has(p: Params, key: string): boolean {
  return raw(p, key) !== undefined;
}

/** An optional string parameter. */
export function str(p: Params, key: string): string | undefined {
  const v = raw(p, key);
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String).join(',');
  return String(v);
}

/** A required string parameter: Grape's `{"error":"<key> is missing"}` when absent or empty. */
export function reqStr(p: Params, key: string): string {
  const v = str(p, key);
  if (v === undefined || v === '') throw missing(key);
  return v;
}

/** An optional boolean, coerced as Grape does ("true", "1", true ...). */
export function bool(p: Params, key: string): boolean | undefined {
  const v = raw(p, key);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  if (['true', '1', 't', 'yes', 'y'].includes(s)) return true;
  if (['false', '0', 'f', 'no', 'n'].includes(s)) return false;
  throw invalid(key);
}

/** An optional integer. */
export function int(p: Params, key: string): number | undefined {
  const v = raw(p, key);
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw invalid(key);
  return n;
}

/** A list given as an array, `key[]` values or a comma-separated string. */
export function list(p: Params, key: string): string[] | undefined {
  const v = raw(p, key);
  if (v === undefined || v === null) return undefined;
  const items = Array.isArray(v) ? v.flatMap((x) => String(x).split(',')) : String(v).split(',');
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/** A list of integers (`assignee_ids`, `iids[]`). */
export function intList(p: Params, key: string): number[] | undefined {
  const items = list(p, key);
  if (items === undefined) return undefined;
  return items.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n)) throw invalid(key);
    return n;
  });
}

/** An optional value restricted to a set, with Grape's error otherwise. */
export function oneOf<T extends string>(p: Params, key: string, values: readonly T[]): T | undefined {
  const v = str(p, key);
  if (v === undefined || v === '') return undefined;
  if (!(values as readonly string[]).includes(v)) throw notValidValue(key);
  return v as T;
}

/** The nested `not[labels]` style parameter, whichever way the client encoded it. */
export function nested(p: Params, outer: string, inner: string): unknown {
  const direct = p[`${outer}[${inner}]`] ?? p[`${outer}[${inner}][]`];
  if (direct !== undefined) return direct;
  const obj = p[outer];
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) return (obj as Record<string, unknown>)[inner];
  return undefined;
}
