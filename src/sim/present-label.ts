import { hookTime } from './clock.js';
import type { SimContext } from './context.js';
import type { SimLabel } from './types.js';

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

/** `API::Entities::ProjectLabel`, with counts when `with_counts` is asked for. */
export function projectLabel(ctx: SimContext, label: SimLabel, withCounts: boolean) {
  const entity: Record<string, unknown> = {
    ...labelBasic(label),
    archived: false,
    subscribed: false,
    priority: label.priority,
    is_project_label: true,
  };
  if (withCounts) {
    const project = ctx.store.projects.get(label.projectId);
    let open = 0;
    let closed = 0;
    for (const issue of project?.labelIndex.get(label.id) ?? []) {
      if (issue.state === 'opened') open += 1;
      else closed += 1;
    }
    entity.open_issues_count = open;
    entity.closed_issues_count = closed;
    entity.open_merge_requests_count = 0;
  }
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
    type: 'ProjectLabel',
    group_id: null,
  };
}
