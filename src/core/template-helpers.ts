import { localDate } from './fiscal-quarter.js';
import { inlineText, mention, quoteBlock } from './markdown-safety.js';

/**
 * The only helpers templates may call (render-template.ts registers them on a private Handlebars
 * instance). The ones that take user text escape it: they are how user text enters a body.
 */

type Helper = (...args: unknown[]) => string | boolean;

/** Helper names, for the compiler's `knownHelpers`. */
export const HELPER_NAMES = ['safe', 'quote', 'mention', 'progressBar', 'eq', 'join', 'date', 'plural'] as const;

/** The helpers by name. */
export const helpers: Readonly<Record<(typeof HELPER_NAMES)[number], Helper>> = {
  /** `{{safe reason}}`, `{{safe title 80}}`: user text on one line, shown literally. */
  safe: withArgs('safe', 1, 2, ([value, max], where) => {
    if (value === null || value === '') return '';
    return inlineText(scalar('safe', value, where), max === undefined ? undefined : count('safe', max, where));
  }),
  /** `{{quote text}}`: user text as a blockquote; put it on its own line between blank lines. */
  quote: withArgs('quote', 1, 1, ([value], where) => (value === null ? '' : quoteBlock(scalar('quote', value, where)))),
  /** `{{mention username}}`: a deliberate mention of a GitLab username. */
  mention: withArgs('mention', 1, 1, ([value], where) => mention(scalar('mention', value, where))),
  /** `{{progressBar done total 10}}`: `▓▓▓▓▓░░░░░ 50%`; full only when everything is done. */
  progressBar: withArgs('progressBar', 2, 3, ([done, total, width], where) => {
    const cells = width === undefined ? 10 : count('progressBar', width, where);
    const d = finite('progressBar', done, where);
    const t = finite('progressBar', total, where);
    const ratio = t > 0 ? Math.min(Math.max(d / t, 0), 1) : 0;
    const filled = Math.floor(ratio * cells);
    return `${'▓'.repeat(filled)}${'░'.repeat(cells - filled)} ${Math.floor(ratio * 100)}%`;
  }),
  /** `{{#if (eq state "done")}}`: strict equality. */
  eq: withArgs('eq', 2, 2, ([a, b]) => a === b),
  /** `{{join labels ", "}}`: each item escaped as by `safe`; the separator is the template's. */
  join: withArgs('join', 1, 2, ([list, sep], where) => {
    if (!Array.isArray(list)) throw new Error(`join needs a list${where}`);
    const items: unknown[] = list;
    return items.map((item) => inlineText(scalar('join', item, where))).join(sep === undefined ? ', ' : scalar('join', sep, where));
  }),
  /** `{{date at}}` or `{{date at "Europe/Berlin"}}`: YYYY-MM-DD (UTC unless a zone is given). */
  date: withArgs('date', 1, 2, ([value, zone], where) => {
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
    const at = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
    if (!at || Number.isNaN(at.getTime())) throw new Error(`date needs a date or ISO time, got ${describe(value)}${where}`);
    return localDate(at, zone === undefined ? 'UTC' : scalar('date', zone, where));
  }),
  /** `{{plural n "checkpoint"}}` → `1 checkpoint`, `3 checkpoints`; `{{plural n "person" "people"}}`. */
  plural: withArgs('plural', 2, 3, ([n, word, many], where) => {
    const k = finite('plural', n, where);
    const one = scalar('plural', word, where);
    return `${k} ${k === 1 ? one : many === undefined ? `${one}s` : scalar('plural', many, where)}`;
  }),
};

/** A helper got `undefined`: strict mode does not check helper arguments, so a field is missing. */
export class MissingArgumentError extends Error {
  constructor(
    readonly helper: string,
    /** 0-based position of the argument. */
    readonly index: number,
    /** Where the helper call starts, as Handlebars counts (line 1-based, column 0-based). */
    readonly loc: { line: number; column: number } | null,
  ) {
    super(`${helper}: argument ${index + 1} is a missing field${describeLoc(loc)}`);
    this.name = 'MissingArgumentError';
  }
}

/** Checks arity and hands the helper its arguments without Handlebars' trailing options object. */
function withArgs(name: string, min: number, max: number, fn: (args: unknown[], where: string) => string | boolean): Helper {
  return (...all: unknown[]) => {
    const loc = locationOf(all.pop());
    const where = describeLoc(loc);
    if (all.length < min || all.length > max) {
      const wanted = min === max ? `${min}` : `${min}-${max}`;
      throw new Error(`${name} takes ${wanted} argument${max === 1 ? '' : 's'}, got ${all.length}${where}`);
    }
    const missing = all.indexOf(undefined);
    if (missing !== -1) throw new MissingArgumentError(name, missing, loc);
    return fn(all, where);
  };
}

/** Where the call sits in its template, from the `loc` Handlebars puts in a helper's options. */
function locationOf(options: unknown): { line: number; column: number } | null {
  const start = field(field(options, 'loc'), 'start');
  const line = field(start, 'line');
  const column = field(start, 'column');
  return typeof line === 'number' && typeof column === 'number' ? { line, column } : null;
}

function describeLoc(loc: { line: number; column: number } | null): string {
  return loc ? ` (line ${loc.line}, column ${loc.column + 1})` : '';
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
}

function scalar(name: string, value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${name} needs text, got ${describe(value)}${where}`);
}

function finite(name: string, value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new Error(`${name} needs a number, got ${describe(value)}${where}`);
}

function count(name: string, value: unknown, where: string): number {
  const n = finite(name, value, where);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`${name} needs a whole number 1-1000, got ${n}${where}`);
  return n;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
