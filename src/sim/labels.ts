import type { SimContext } from './context.js';
import { nowIso } from './context.js';
import { conflict, validation } from './errors.js';
import { nextId } from './store.js';
import type { SimIssue, SimLabel, SimProject } from './types.js';

/** `Label::DEFAULT_COLOR`, given to labels created implicitly. */
export const DEFAULT_LABEL_COLOR = '#6699cc';

const NAMED_COLORS: Record<string, string> = {
  red: '#ff0000', green: '#008000', blue: '#0000ff', black: '#000000', white: '#ffffff', yellow: '#ffff00',
  orange: '#ffa500', purple: '#800080', gray: '#808080', grey: '#808080', pink: '#ffc0cb', brown: '#a52a2a',
};

/** Normalises a colour as `Gitlab::Color.of`: hex stays, CSS names become hex, else null. */
export function parseColor(input: string): string | null {
  const c = input.trim();
  if (/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(c)) return c;
  return NAMED_COLORS[c.toLowerCase()] ?? null;
}

/** The scope of a scoped label: everything before the last `::`, or null. */
export function labelScope(title: string): string | null {
  const at = title.lastIndexOf('::');
  return at > 0 ? title.slice(0, at) : null;
}

/** A project label by id (numeric) or title, as `:label_id` in the labels API accepts both. */
export function findLabel(project: SimProject, ref: string): SimLabel | undefined {
  if (/^\d+$/.test(ref)) {
    const byId = project.labels.get(Number(ref));
    if (byId) return byId;
  }
  return project.labelsByTitle.get(ref);
}

/** Creates a project label after GitLab's validations (unique title, no commas, valid colour). */
export function createLabel(ctx: SimContext, project: SimProject, input: { title: string; color?: string; description?: string | null; priority?: number | null }): SimLabel {
  const title = input.title.trim();
  if (title === '') throw validation({ title: ["can't be blank"] });
  if (title.includes(',')) throw validation({ title: ['is invalid'] });
  if (project.labelsByTitle.has(title)) throw conflict('Label already exists');
  const color = parseColor(input.color ?? DEFAULT_LABEL_COLOR);
  if (color === null) throw validation({ color: ['must be a valid color code'] });
  const now = nowIso(ctx);
  const label: SimLabel = {
    id: nextId(ctx.store, 'label'), projectId: project.id, title, color,
    description: input.description ?? null, priority: input.priority ?? null, createdAt: now, updatedAt: now,
  };
  project.labels.set(label.id, label);
  project.labelsByTitle.set(title, label);
  return label;
}

/**
 * Labels named by title. Unknown titles are created when `create` is set (the API creates them for
 * users who may manage labels) and silently skipped otherwise, as `find_or_create_by_titles` does.
 */
export function labelsByTitles(ctx: SimContext, project: SimProject, titles: string[], create: boolean): SimLabel[] {
  const out: SimLabel[] = [];
  for (const raw of titles) {
    const title = raw.trim();
    if (title === '') continue;
    const found = project.labelsByTitle.get(title);
    if (found) out.push(found);
    else if (create) out.push(createLabel(ctx, project, { title }));
  }
  return out;
}

/**
 * Keeps one label per scope among the labels just added: the last one added wins and any other
 * label of that scope goes, as Premium's scoped labels behave. Free tier keeps them all.
 */
export function resolveScoped(ctx: SimContext, project: SimProject, finalIds: number[], addedIds: number[]): number[] {
  if (!ctx.settings.scoped_labels) return finalIds;
  const winner = new Map<string, number>();
  for (const id of addedIds) {
    const label = project.labels.get(id);
    const scope = label ? labelScope(label.title) : null;
    if (scope !== null) winner.set(scope, id);
  }
  if (winner.size === 0) return finalIds;
  return finalIds.filter((id) => {
    const label = project.labels.get(id);
    const scope = label ? labelScope(label.title) : null;
    return scope === null || !winner.has(scope) || winner.get(scope) === id;
  });
}

/** Sets an issue's labels and keeps the project's label index in step. */
export function setIssueLabels(project: SimProject, issue: SimIssue, ids: number[]): void {
  const unique = [...new Set(ids)];
  for (const id of issue.labelIds) project.labelIndex.get(id)?.delete(issue);
  issue.labelIds = unique;
  for (const id of unique) {
    let set = project.labelIndex.get(id);
    if (!set) {
      set = new Set();
      project.labelIndex.set(id, set);
    }
    set.add(issue);
  }
}
