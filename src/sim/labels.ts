import { dropLabelFromBoards } from './boards.js';
import type { SimContext } from './context.js';
import { nowIso } from './context.js';
import { conflict, validation } from './errors.js';
import { groupChain, groupProjects, nextId, projectGroups, type SimStore } from './store.js';
import type { SimGroup, SimIssue, SimLabel, SimProject } from './types.js';

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

/** Where a label lives: a project or a group. */
export type LabelOwner = { kind: 'project'; project: SimProject } | { kind: 'group'; group: SimGroup };

/** A label (project or group) by id. */
export function labelById(store: SimStore, id: number): SimLabel | undefined {
  return store.labels.get(id);
}

/**
 * The labels an issue of `project` may carry (LabelsFinder with `include_ancestor_groups: true`):
 * the project's own labels, then the labels of its group and every ancestor group, nearest first.
 */
export function availableLabels(store: SimStore, project: SimProject, ancestors = true): SimLabel[] {
  const out = [...project.labels.values()];
  if (ancestors) for (const g of projectGroups(store, project)) out.push(...g.labels.values());
  return out;
}

/** Labels of a group, with its ancestors' unless told not to (GET /groups/:id/labels). */
export function groupAvailableLabels(store: SimStore, group: SimGroup, ancestors = true, descendants = false): SimLabel[] {
  const groups = ancestors ? groupChain(store, group) : [group];
  if (descendants) for (const g of store.groups.values()) if (g !== group && groupChain(store, g).includes(group)) groups.push(g);
  return groups.flatMap((g) => [...g.labels.values()]);
}

/**
 * The available label with this title. A project label and an ancestor's group label rarely share a
 * title (ProjectLabel#title_must_not_exist_at_group_level); when they do the project's wins here.
 */
export function availableByTitle(store: SimStore, project: SimProject, title: string): SimLabel | undefined {
  const own = project.labelsByTitle.get(title);
  if (own) return own;
  for (const g of projectGroups(store, project)) {
    const found = g.labelsByTitle.get(title);
    if (found) return found;
  }
  return undefined;
}

/** Ids of every available label with this title (label filters match by title). */
export function idsWithTitle(store: SimStore, project: SimProject, title: string): number[] {
  const ids: number[] = [];
  const own = project.labelsByTitle.get(title);
  if (own) ids.push(own.id);
  for (const g of projectGroups(store, project)) {
    const found = g.labelsByTitle.get(title);
    if (found) ids.push(found.id);
  }
  return ids;
}

/**
 * A label by id (numeric) or title, as `:label_id` in the labels API accepts both. With `ancestors`
 * the project's ancestor group labels count too (GET does; PUT and DELETE do not: `find_label(...,
 * include_ancestor_groups: false)` in lib/api/helpers/label_helpers.rb).
 */
export function findLabel(store: SimStore, project: SimProject, ref: string, ancestors = false): SimLabel | undefined {
  const labels = availableLabels(store, project, ancestors);
  if (/^\d+$/.test(ref)) {
    const byId = labels.find((l) => l.id === Number(ref));
    if (byId) return byId;
  }
  return project.labelsByTitle.get(ref) ?? (ancestors ? availableByTitle(store, project, ref) : undefined);
}

function holder(owner: LabelOwner): { labels: Map<number, SimLabel>; labelsByTitle: Map<string, SimLabel> } {
  return owner.kind === 'project' ? owner.project : owner.group;
}

/** Title rules of `Label` (present, no commas). */
export function checkTitle(raw: string): string {
  const title = raw.trim();
  if (title === '') throw validation({ title: ["can't be blank"] });
  if (title.includes(',')) throw validation({ title: ['is invalid'] });
  return title;
}

/**
 * Creates a project or group label after GitLab's checks: a title already available there (own or
 * an ancestor group's) is a 409 `Label already exists`, as `create_label` in label_helpers.rb answers.
 */
export function createLabel(ctx: SimContext, owner: LabelOwner | SimProject, input: { title: string; color?: string; description?: string | null; priority?: number | null }): SimLabel {
  const where: LabelOwner = 'kind' in owner ? owner : { kind: 'project', project: owner };
  const title = checkTitle(input.title);
  const taken = where.kind === 'project'
    ? availableByTitle(ctx.store, where.project, title)
    : groupChain(ctx.store, where.group).some((g) => g.labelsByTitle.has(title));
  if (taken) throw conflict('Label already exists');
  const color = parseColor(input.color ?? DEFAULT_LABEL_COLOR);
  if (color === null) throw validation({ color: ['must be a valid color code'] });
  const now = nowIso(ctx);
  const label: SimLabel = {
    id: nextId(ctx.store, 'label'),
    projectId: where.kind === 'project' ? where.project.id : null,
    groupId: where.kind === 'group' ? where.group.id : null,
    title, color, description: input.description ?? null, priority: input.priority ?? null, createdAt: now, updatedAt: now,
  };
  const h = holder(where);
  h.labels.set(label.id, label);
  h.labelsByTitle.set(title, label);
  ctx.store.labels.set(label.id, label);
  return label;
}

/** Renames a label, keeping its holder's title index; 409 if the new title is taken there. */
export function renameLabel(owner: LabelOwner, label: SimLabel, newTitle: string): void {
  const title = checkTitle(newTitle);
  const h = holder(owner);
  const other = h.labelsByTitle.get(title);
  if (other && other.id !== label.id) throw conflict('Label already exists');
  h.labelsByTitle.delete(label.title);
  label.title = title;
  h.labelsByTitle.set(title, label);
}

/** The projects whose issues may carry a label: its project, or every project below its group. */
export function labelProjects(store: SimStore, label: SimLabel): SimProject[] {
  if (label.projectId !== null) {
    const p = store.projects.get(label.projectId);
    return p ? [p] : [];
  }
  const group = label.groupId === null ? undefined : store.groups.get(label.groupId);
  return group ? groupProjects(store, group, true) : [];
}

/** Deletes a label and takes it off every issue that carries it. */
export function deleteLabel(store: SimStore, owner: LabelOwner, label: SimLabel): void {
  const projects = labelProjects(store, label);
  dropLabelFromBoards(projects, label);
  for (const project of projects) {
    for (const issue of [...(project.labelIndex.get(label.id) ?? [])]) setIssueLabels(project, issue, issue.labelIds.filter((id) => id !== label.id));
    project.labelIndex.delete(label.id);
  }
  const h = holder(owner);
  h.labels.delete(label.id);
  h.labelsByTitle.delete(label.title);
  store.labels.delete(label.id);
}

/**
 * Labels named by title, as Labels::FindOrCreateService with `include_ancestor_groups: true` finds
 * them: an existing project or ancestor group label first. Unknown titles become project labels when
 * `create` is set (the user may create labels) and are skipped silently otherwise.
 */
export function labelsByTitles(ctx: SimContext, project: SimProject, titles: string[], create: boolean): SimLabel[] {
  const out: SimLabel[] = [];
  for (const raw of titles) {
    const title = raw.trim();
    if (title === '') continue;
    const found = availableByTitle(ctx.store, project, title);
    if (found) out.push(found);
    else if (create) out.push(createLabel(ctx, project, { title }));
  }
  return out;
}

/**
 * Keeps one label per scope among the labels just added: the last one added wins and any other
 * label of that scope goes. Group labels take part like project labels. Free tier keeps them all.
 */
export function resolveScoped(ctx: SimContext, finalIds: number[], addedIds: number[]): number[] {
  if (!ctx.settings.scoped_labels) return finalIds;
  const scopeOf = (id: number) => {
    const label = labelById(ctx.store, id);
    return label ? labelScope(label.title) : null;
  };
  const winner = new Map<string, number>();
  for (const id of addedIds) {
    const scope = scopeOf(id);
    if (scope !== null) winner.set(scope, id);
  }
  if (winner.size === 0) return finalIds;
  return finalIds.filter((id) => {
    const scope = scopeOf(id);
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
