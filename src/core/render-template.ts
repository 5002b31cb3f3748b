import Handlebars from 'handlebars';
import { AppError } from './errors.js';
import { neutraliseQuickActions } from './markdown-safety.js';
import { quickActionOffsets } from './quick-action-scan.js';
import { HELPER_NAMES, MissingArgumentError, helpers } from './template-helpers.js';

/**
 * Issue and note bodies from Markdown + Handlebars templates (`issue_templates/*.md` and built-in
 * note templates), on a private Handlebars instance with only the helpers of template-helpers.ts.
 *
 * Output is never HTML-escaped (`noEscape`): `{{field}}` inserts a value as it is, so it is only for
 * values Trellis made itself (a quarter name, a count, a URL it built). Text a person wrote enters
 * through a helper: `{{safe reason}}` on one line, `{{quote text}}` as a block, `{{mention username}}`
 * for a deliberate mention. Templates run in strict mode: a missing field is an error, so pass `null`
 * for a value that is absent (`{{#if note}}` and `{{safe note}}` accept null).
 *
 * Lines of a template that are GitLab quick actions (`/label ~training-module`, for people who pick
 * the template in GitLab's dropdown) are dropped: Trellis sets labels through its plans, and the
 * bot must never run a command. As a last guard, any quick action left in the output is made inert.
 */

/** Renders named templates and ad hoc template strings. */
export interface Renderer {
  /** The template called `name` with `data`. Throws AppError `template_invalid`. */
  render(name: string, data: object): string;
  /** An ad hoc template (a built-in note); compiled once per distinct source. */
  renderString(source: string, data: object): string;
  /** True when a template called `name` exists. */
  has(name: string): boolean;
  /** Compiles every named template, throwing on the first syntax error or unknown helper. */
  validate(): void;
}

type Template = (data: object) => string;

const COMPILE_OPTIONS = {
  strict: true,
  noEscape: true,
  knownHelpersOnly: true,
  // Handlebars' own `log` and `lookup` are left out of the allowlist.
  knownHelpers: { ...Object.fromEntries(HELPER_NAMES.map((n) => [n, true])), log: false, lookup: false },
} satisfies CompileOptions;

type CompileOptions = Parameters<typeof Handlebars.compile>[1];

/** Ad hoc sources kept compiled; beyond this the oldest is dropped (sources come from code, so rarely). */
const STRING_CACHE_LIMIT = 256;

/** A renderer over `templates` (name → source), e.g. the files of `issue_templates/` without `.md`. */
export function createRenderer(templates: Readonly<Record<string, string>> = {}): Renderer {
  const hb = Handlebars.create();
  hb.unregisterHelper('log');
  hb.unregisterHelper('lookup');
  for (const name of HELPER_NAMES) hb.registerHelper(name, helpers[name]);

  const named = new Map<string, Template>();
  const adhoc = new Map<string, Template>();
  const compile = (source: string): Template => hb.compile(withoutQuickActions(source), COMPILE_OPTIONS);
  const source = (name: string): string => {
    if (!Object.hasOwn(templates, name)) {
      throw new AppError('template_invalid', `unknown template "${name}" (known: ${Object.keys(templates).sort().join(', ') || 'none'})`, {
        template: name,
      });
    }
    return templates[name] ?? '';
  };

  return {
    render(name, data) {
      let template = named.get(name);
      if (!template) {
        template = compile(source(name));
        named.set(name, template);
      }
      return run(template, data, { label: `template "${name}"`, name, source: source(name) });
    },
    renderString(text, data) {
      let template = adhoc.get(text);
      if (!template) {
        template = compile(text);
        if (adhoc.size >= STRING_CACHE_LIMIT) adhoc.delete(adhoc.keys().next().value ?? '');
        adhoc.set(text, template);
      }
      return run(template, data, { label: `template ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`, name: null, source: text });
    },
    has(name) {
      return Object.hasOwn(templates, name);
    },
    validate() {
      for (const name of Object.keys(templates)) {
        try {
          hb.precompile(withoutQuickActions(source(name)), COMPILE_OPTIONS);
        } catch (err) {
          throw templateError(err, { label: `template "${name}"`, name, source: source(name) });
        }
      }
    },
  };
}

type Context = { label: string; name: string | null; source: string };

function run(template: Template, data: object, context: Context): string {
  try {
    return neutraliseQuickActions(template(data));
  } catch (err) {
    throw templateError(err, context);
  }
}

/**
 * The template with each quick action line turned into a Handlebars comment: a comment alone on its
 * line leaves no trace in the output, and line numbers in errors still match the file.
 */
function withoutQuickActions(source: string): string {
  const clean = source.replace(/\r/g, '');
  let out = '';
  let from = 0;
  for (const at of quickActionOffsets(clean)) {
    const lineStart = clean.lastIndexOf('\n', at) + 1;
    const lineEnd = clean.indexOf('\n', at);
    out += `${clean.slice(from, lineStart)}{{!-- quick action left to people picking the template --}}`;
    from = lineEnd === -1 ? clean.length : lineEnd;
  }
  return out + clean.slice(from);
}

/** A Handlebars or helper error as `template_invalid`, naming the template and, when known, the field. */
function templateError(err: unknown, { label, name, source }: Context): AppError {
  if (err instanceof AppError && err.code === 'template_invalid') return err;
  const fail = (message: string, details: Record<string, unknown>): AppError =>
    new AppError('template_invalid', `${label}: ${message}`, { template: name, ...details }, { cause: err });
  if (err instanceof MissingArgumentError) {
    const field = err.loc ? argumentName(source, err.loc, err.index) : null;
    const where = err.loc ? ` (line ${err.loc.line}, column ${err.loc.column + 1})` : '';
    return field
      ? fail(`missing field "${field}" in ${err.helper}${where}`, { field, helper: err.helper, line: err.loc?.line })
      : fail(err.message, { helper: err.helper });
  }
  const text = err instanceof Error ? err.message : String(err);
  const missing = /^"([^"]+)" not defined in .* - (\d+):(\d+)$/s.exec(text);
  if (missing) {
    const [, field, line, column] = missing;
    return fail(`missing field "${field}" (line ${line}, column ${Number(column) + 1})`, { field, line: Number(line) });
  }
  const helper = /unknown helper (\S+) - (\d+):(\d+)/.exec(text);
  if (helper) return fail(`unknown helper "${helper[1]}" (line ${helper[2]})`, { helper: helper[1], line: Number(helper[2]) });
  const parse = /^Parse error on line (\d+):[\s\S]*?(?:got '([^']*)')?$/.exec(text);
  if (parse) return fail(`syntax error on line ${parse[1]}${parse[2] ? ` (unexpected ${parse[2]})` : ''}`, { line: Number(parse[1]) });
  return fail(text.split('\n')[0] ?? text, {});
}

/** The field named by argument `index` of the helper call at `loc`, read from the template's syntax tree. */
function argumentName(source: string, loc: { line: number; column: number }, index: number): string | null {
  let found: string | null = null;
  const visit = (node: unknown): void => {
    if (found !== null || typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    const start: unknown = Reflect.get(Reflect.get(node, 'loc') ?? {}, 'start');
    const params: unknown = Reflect.get(node, 'params');
    if (Array.isArray(params) && start && Reflect.get(start, 'line') === loc.line && Reflect.get(start, 'column') === loc.column) {
      const param: unknown = params[index];
      const original: unknown = param && typeof param === 'object' ? Reflect.get(param, 'original') : null;
      found = typeof original === 'string' ? original : null;
      return;
    }
    for (const key of ['body', 'params', 'program', 'inverse', 'hash', 'pairs', 'value']) visit(Reflect.get(node, key));
  };
  visit(Handlebars.parse(withoutQuickActions(source)));
  return found;
}
