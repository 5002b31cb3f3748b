import { DEFAULT_ROLES } from './default-roles.js';
import { issueMessage, rolesFileSchema } from './roster-schema.js';
import type { RoleInput } from './roster-schema.js';
import { levelKey } from './role-ladder.js';
import type { Role, RoleLevel } from './roster.js';
import { readYaml } from './yaml-document.js';
import type { FileError, Located } from './yaml-document.js';

/**
 * Role descriptions: `.trellis/roles.yml` (and the roster's `roles`), merged over the built-in roles
 * by key. A role given only a new title keeps its areas and ladder; one given only new areas keeps
 * its ladder's requirements with those areas at every level; one given `levels` gets that ladder.
 */

/** The roles file read and merged over the defaults, or every problem in it. */
export type RolesResult = { ok: true; roles: Record<string, Role> } | { ok: false; errors: FileError[] };

/** Parses `.trellis/roles.yml`; `file` names it in errors. */
export function parseRolesFile(text: string, file: string): RolesResult {
  const read = readYaml(text, file, 'a roles file');
  if (!read.ok) return read;
  if (read.data === null || read.data === undefined) return { ok: false, errors: read.place([{ path: [], message: 'the roles file is empty (write `roles:` with at least one role)' }]) };
  const parsed = rolesFileSchema.safeParse(read.data, { error: issueMessage });
  if (!parsed.success) {
    return {
      ok: false,
      errors: read.place(
        parsed.error.issues.flatMap((issue): Located[] => {
          const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
          return issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ path: [...path, key], message: `unknown field ${JSON.stringify(key)}${key === 'niceToHave' ? ' (did you mean nice_to_have?)' : ''}`, onKey: true })) : [{ path, message: issue.message }];
        }),
      ),
    };
  }
  const merged = mergeRoles(parsed.data.roles, DEFAULT_ROLES);
  return merged.problems.length > 0 ? { ok: false, errors: read.place(merged.problems) } : { ok: true, roles: merged.roles };
}

/** `given` (a file's `roles`) over `base`; problems are placed under `roles.<key>`. */
export function mergeRoles(given: Readonly<Record<string, RoleInput>>, base: Readonly<Record<string, Role>>): { roles: Record<string, Role>; problems: Located[] } {
  const roles: Record<string, Role> = { ...base };
  const problems: Located[] = [];
  for (const [key, role] of Object.entries(given)) {
    const before = Object.hasOwn(base, key) ? base[key] : undefined;
    const levels = role.levels ? role.levels.map(toLevel) : role.responsibilities && before?.levels ? before.levels.map((l) => ({ ...l, responsibilities: role.responsibilities! })) : before?.levels;
    const title = role.title ?? before?.title;
    const responsibilities = role.responsibilities ?? (role.levels ? levels?.[0]?.responsibilities : before?.responsibilities);
    if (!title) problems.push({ path: ['roles', key], message: `needs a title (${key} is not a built-in role)` });
    if (!responsibilities) problems.push({ path: ['roles', key], message: `needs responsibilities or levels (${key} is not a built-in role)` });
    problems.push(...duplicateLevels(key, role.levels ?? []));
    if (title && responsibilities) roles[key] = { title, responsibilities, ...(levels ? { levels } : {}) };
  }
  return { roles, problems };
}

/** The roles of a file the schema refused, as far as they read; a role whose fields do not read still counts as named. */
export function rawRoles(data: unknown): Record<string, RoleInput> {
  const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const roles = Object.entries(record(record(data).roles)).map(([key, raw]) => {
    const { title, responsibilities } = record(raw);
    const areas = Array.isArray(responsibilities) ? responsibilities.filter((r): r is string => typeof r === 'string') : undefined;
    return [key, { title: typeof title === 'string' ? title : key, responsibilities: areas ?? [key] }] as const;
  });
  return Object.fromEntries(roles);
}

function toLevel(l: NonNullable<RoleInput['levels']>[number]): RoleLevel {
  return { level: l.level, title: l.title, responsibilities: l.responsibilities, requirements: l.requirements, niceToHave: l.nice_to_have };
}

function duplicateLevels(key: string, levels: NonNullable<RoleInput['levels']>): Located[] {
  const seen = new Map<string, number>();
  const out: Located[] = [];
  levels.forEach((l, i) => {
    const first = seen.get(levelKey(l.level));
    if (first === undefined) seen.set(levelKey(l.level), i);
    else out.push({ path: ['roles', key, 'levels', i, 'level'], message: `duplicate level ${JSON.stringify(l.level)} (also levels[${first}])` });
  });
  return out;
}
