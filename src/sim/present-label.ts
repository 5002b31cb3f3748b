import { hookTime } from './clock.js';
import type { SimContext } from './context.js';
import type { SimLabel, SimProject, SimUser } from './types.js';
import { canReadIssue } from './access.js';
import { labelProjects } from './labels.js';

/** Dark text on light colours and white on dark ones, as `LabelsHelper#text_color_for_bg`. */
export function textColor(color: string): string {
  const hex = color.replace('#', '');
  const full = hex.length === 3 ? hex.split('').map((c) => c + c).join('') : hex;
  const r = parseInt(full.slice(0, 2), 16);
  const g = parseInt(full.slice(2, 4), 16);
  const b = parseInt(full.slice(4, 6), 16);
  if (Number.isNaN(r + g + b)) return '#FFFFFF';
  return r * 0.299 + g * 0.587 + b * 0.114 > 186 ? '#1F1E24' : '#FFFFFF';
}

/** `API::Entities::LabelBasic`. */
export function labelBasic(label: SimLabel) {
  return {
    id: label.id,
    name: label.title,
    color: label.color,
    description: label.description,
    description_html: label.description ?? '',
    text_color: textColor(label.color),
    remove_on_close: false,
  };
}

/** Issue counts of a label over some projects, counting only issues the viewer may read. */
function counts(ctx: SimContext, label: SimLabel, projects: SimProject[], viewer: SimUser) {
  let open = 0;
  let closed = 0;
  for (const project of projects) {
    for (const issue of project.labelIndex.get(label.id) ?? []) {
      if (!canReadIssue(ctx.store, viewer, project, issue)) continue;
      if (issue.state === 'opened') open += 1;
      else closed += 1;
    }
  }
  return { open_issues_count: open, closed_issues_count: closed, open_merge_requests_count: 0 };
}

/**
 * `API::Entities::ProjectLabel` as a project lists its labels: ancestor group labels come with
 * `is_project_label: false` and no priority. Counts (with `with_counts`) are the project's issues.
 */
export function projectLabel(ctx: SimContext, label: SimLabel, withCounts: boolean, project?: SimProject, viewer?: SimUser) {
  const entity: Record<string, unknown> = {
    ...labelBasic(label),
    archived: false,
    subscribed: false,
    priority: label.projectId === null ? null : label.priority,
    is_project_label: label.projectId !== null,
  };
  const scope = project ?? (label.projectId === null ? undefined : ctx.store.projects.get(label.projectId));
  if (withCounts && scope && viewer) Object.assign(entity, counts(ctx, label, [scope], viewer));
  return entity;
}

/** `API::Entities::GroupLabel`; counts (with `with_counts`) cover every project below the label's group. */
export function groupLabel(ctx: SimContext, label: SimLabel, withCounts: boolean, viewer: SimUser) {
  const entity: Record<string, unknown> = { ...labelBasic(label), archived: false, subscribed: false };
  if (withCounts) Object.assign(entity, counts(ctx, label, labelProjects(ctx.store, label), viewer));
  return entity;
}

/** `Label#hook_attrs`, the full label object webhook payloads carry. */
export function labelHookAttrs(label: SimLabel) {
  return {
    id: label.id,
    title: label.title,
    color: label.color,
    project_id: label.projectId,
    created_at: hookTime(label.createdAt),
    updated_at: hookTime(label.updatedAt),
    template: false,
    description: label.description,
    type: label.projectId === null ? 'GroupLabel' : 'ProjectLabel',
    group_id: label.groupId,
  };
}
