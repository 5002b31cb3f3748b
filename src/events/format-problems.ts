import type { z } from 'zod';

/** A zod path as people write it: `commits[3].added`, `(root)` for the payload itself. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * One line per problem, naming the JSON path: `object_attributes.iid: required`,
 * `object_attributes.iid: expected number, received string`. Needs issues parsed with
 * `reportInput: true`, which is how a missing field is told from a mistyped one.
 */
export function formatProblems(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = formatPath(issue.path);
    if (issue.code === 'invalid_type') {
      const what = issue.input === undefined ? 'required' : `expected ${issue.expected}, received ${typeName(issue.input)}`;
      return `${where}: ${what}`;
    }
    return `${where}: ${issue.message}`;
  });
}
