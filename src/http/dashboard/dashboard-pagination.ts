import type { Section } from './dashboard-data.js';
import type { CheckpointsView, GearingView, TrainingView } from './dashboard-view.js';

/*
 * Long lists of the dashboard, a page at a time: a department of 10,000 people would otherwise get
 * one page of 10,000 rows, slow to build and of no use to read (docs/operations.md#dashboard). A
 * department that fits on one page sees no pager at all.
 */

/** Where a page of a list stands among the others; its links are relative (`?page=2`) to the page they are on. */
export interface Pager {
  readonly page: number;
  readonly pages: number;
  /** 1-based positions of the first and last items shown, and how many there are in all. */
  readonly from: number;
  readonly to: number;
  readonly total: number;
  readonly prev: string | null;
  readonly next: string | null;
  readonly last: string | null;
}

/** How many of each list a page shows: managers (with their reports), learners, teams. */
export const PAGE_SIZES = { checkpoints: 20, training: 50, gearing: 100 } as const;

/** The page a query asks for: a positive whole number, else the first. */
export function pageNumber(raw: unknown): number {
  const n = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return n >= 1 ? n : 1;
}

/** The items of page `page` (past the last page: the last), and its pager; null when all fit on one. */
export function paginate<T>(items: readonly T[], page: number, size: number): { items: readonly T[]; pager: Pager | null } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  if (pages === 1) return { items, pager: null };
  const p = Math.min(Math.max(1, page), pages);
  const start = (p - 1) * size;
  const shown = items.slice(start, start + size);
  return {
    items: shown,
    pager: { page: p, pages, from: start + 1, to: start + shown.length, total: items.length, prev: p > 1 ? `?page=${p - 1}` : null, next: p < pages ? `?page=${p + 1}` : null, last: p < pages ? `?page=${pages}` : null },
  };
}

/** What a page's template gets: its section with the long list cut to one page, and the pager. */
export interface PagedData {
  readonly data: Record<string, unknown>;
  /** The page shown (the one asked for, kept within the pages there are). */
  readonly page: number;
}

/** Cuts the long list of a page's section (checkpoints' managers, training's learners, gearing's teams) to page `page`. */
export function pageData(name: string, data: Record<string, unknown>, page: number): PagedData {
  if (name === 'checkpoints') return cut(data, page, (v: CheckpointsView) => v.managers, (v, managers) => ({ ...v, managers }), PAGE_SIZES.checkpoints);
  if (name === 'training') return cut(data, page, (v: TrainingView) => v.people, (v, people) => ({ ...v, people }), PAGE_SIZES.training);
  if (name === 'gearing') return cut(data, page, (v: GearingView) => v.teams, (v, teams) => ({ ...v, teams }), PAGE_SIZES.gearing);
  return { data, page: 1 };
}

function cut<V, T>(data: Record<string, unknown>, page: number, list: (v: V) => readonly T[], withList: (v: V, items: readonly T[]) => V, size: number): PagedData {
  const section = data.section as Section<V> | undefined;
  if (!section?.ok) return { data, page: 1 };
  const { items, pager } = paginate(list(section.data), page, size);
  if (!pager) return { data, page: 1 };
  return { data: { ...data, section: { ...section, data: withList(section.data, items) }, pager }, page: pager.page };
}
