/**
 * The primitives the webhook payload readers (read-payloads.ts) are written in: each reads one field
 * of a JSON object, checks its type and, when it is wrong, records one problem line naming the JSON
 * path (`object_attributes.iid: expected number, received string`, `labels[1].title: required`) and
 * yields undefined. Nothing is allocated for a field that is right, and a path is spelled out only
 * when there is a problem: this runs for every webhook, where a schema library cost the api role a
 * quarter of its CPU (see README, Performance).
 */

export type Json = Record<string, unknown>;
export type Key = string | number;

/** Whether a field may be left out (undefined) or null. */
export const REQUIRED = 0;
export const OPTIONAL = 1;
export const NULLABLE = 2;
export const OPTIONAL_NULLABLE = 3;
export type Presence = typeof REQUIRED | typeof OPTIONAL | typeof NULLABLE | typeof OPTIONAL_NULLABLE;

/** The problems found so far in one payload. */
export interface Problems {
  readonly list: string[];
}

/** `object_attributes` + `iid` -> `object_attributes.iid`; `labels` + 1 -> `labels[1]`; the payload itself is `(root)`. */
export function pathOf(at: string, key: Key): string {
  if (typeof key === 'number') return `${at}[${key}]`;
  return at === '' ? key : `${at}.${key}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function problem(p: Problems, at: string, key: Key, message: string): undefined {
  p.list.push(`${pathOf(at, key)}: ${message}`);
  return undefined;
}

function wrongType(p: Problems, at: string, key: Key, expected: string, value: unknown): undefined {
  return problem(p, at, key, value === undefined ? 'required' : `expected ${expected}, received ${typeName(value)}`);
}

/** True when the value is allowed to be missing or null here; `undefined` and `null` are then read as themselves. */
function absentAllowed(value: unknown, presence: Presence): boolean {
  return (value === undefined && (presence & OPTIONAL) !== 0) || (value === null && (presence & NULLABLE) !== 0);
}

export function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function string(p: Problems, o: Json | readonly unknown[], key: Key, at: string, presence: Presence = REQUIRED): string | null | undefined {
  const v = (o as Json)[key];
  if (typeof v === 'string') return v;
  if (absentAllowed(v, presence)) return v as null | undefined;
  return wrongType(p, at, key, 'string', v);
}

export function boolean(p: Problems, o: Json, key: Key, at: string, presence: Presence = REQUIRED): boolean | null | undefined {
  const v = o[key];
  if (typeof v === 'boolean') return v;
  if (absentAllowed(v, presence)) return v as null | undefined;
  return wrongType(p, at, key, 'boolean', v);
}

/** A safe integer (GitLab's ids, iids, counts). */
export function integer(p: Problems, o: Json, key: Key, at: string, presence: Presence = REQUIRED): number | null | undefined {
  const v = o[key];
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (absentAllowed(v, presence)) return v as null | undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) return wrongType(p, at, key, typeof v === 'number' ? 'int' : 'number', v);
  return problem(p, at, key, v > 0 ? `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}` : `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`);
}

export function object(p: Problems, o: Json | readonly unknown[], key: Key, at: string, presence: Presence = REQUIRED): Json | null | undefined {
  const v = (o as Json)[key];
  if (isJson(v)) return v;
  if (absentAllowed(v, presence)) return v as null | undefined;
  return wrongType(p, at, key, 'object', v);
}

export function array(p: Problems, o: Json, key: Key, at: string, presence: Presence = REQUIRED): readonly unknown[] | null | undefined {
  const v = o[key];
  if (Array.isArray(v)) return v;
  if (absentAllowed(v, presence)) return v as null | undefined;
  return wrongType(p, at, key, 'array', v);
}

/** An array whose every element `read` accepts; undefined (with the elements' problems) when one does not. */
export function arrayOf<T>(p: Problems, o: Json, key: Key, at: string, presence: Presence, read: (p: Problems, items: readonly unknown[], i: number, at: string) => T | undefined): T[] | null | undefined {
  const items = array(p, o, key, at, presence);
  if (!items) return items;
  const before = p.list.length;
  const out: T[] = new Array<T>(items.length);
  const here = pathOf(at, key);
  for (let i = 0; i < items.length; i++) out[i] = read(p, items, i, here) as T;
  return p.list.length === before ? out : undefined;
}
