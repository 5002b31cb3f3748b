import type { Note } from '../../core/gitlab-port.js';
import { GOALS_SECTION, unescapeInline } from './read-checkpoint.js';

/**
 * What a checkpoint says about its focus areas beyond which are ticked: the goals, targets and ideas
 * written under each area's `###` heading, the target towards the next level, and which notes on
 * the issue are about which area. A note is about an area when it names the area: its whole title,
 * or the title's short name (the part before the first `:`, `(` or `,`, e.g. `Observability` for
 * "Observability: metrics, logging, tracing and alerting"), as words, in any case; or when its first
 * line starts with a label that begins the title (`Capacity planning: drafted the forecast`)
 * (docs/roles-and-agenda.md).
 */

/** The answers under an area's heading in "Goals, targets and ideas"; '' where nothing is written. */
export interface AreaPlan {
  readonly goals: string;
  readonly targets: string;
  readonly ideas: string;
  readonly reached: boolean;
}

/** The section title of issue_templates/checkpoint.md whose `- Target:` line is the next-level target. */
export const NEXT_LEVEL_SECTION = 'Target towards the next level';

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const FIELD = /^\s*[-*+]\s+(goals|targets|ideas|target):\s*(.*)$/i;

/** Each `###` area under Goals with its answers, keyed by the area's normalised title; and the next-level target. */
export function readFocusPlans(description: string): { areas: Map<string, AreaPlan>; nextLevelTarget: string } {
  const areas = new Map<string, { goals: string; targets: string; ideas: string; reached: boolean }>();
  let section = '';
  let area: string | null = null;
  let nextLevelTarget = '';
  let fence = false;
  for (const line of description.replace(/<!--[\s\S]*?(?:-->|$)/g, '').split(/\r\n|\r|\n/)) {
    if (/^\s*(?:`{3,}|~{3,})/.test(line)) fence = !fence;
    const h = fence ? null : HEADING.exec(line);
    if (h?.[1]) {
      const title = unescapeInline((h[2] ?? '').trim());
      if (h[1].length <= 2) {
        section = normalise(title);
        area = null;
      } else if (h[1].length === 3 && section === normalise(GOALS_SECTION)) {
        area = normalise(title);
        areas.set(area, { goals: '', targets: '', ideas: '', reached: false });
      }
      continue;
    }
    const field = FIELD.exec(line);
    if (section === normalise(NEXT_LEVEL_SECTION) && field?.[1]?.toLowerCase() === 'target' && nextLevelTarget === '') nextLevelTarget = (field[2] ?? '').trim();
    const plan = area === null ? undefined : areas.get(area);
    if (!plan) continue;
    if (/^\s*[-*+]\s+\[[xX]\]\s+target reached\b/i.test(line)) plan.reached = true;
    const key = field?.[1]?.toLowerCase();
    if (key === 'goals' || key === 'targets' || key === 'ideas') plan[key] = (field?.[2] ?? '').trim();
  }
  return { areas, nextLevelTarget };
}

/** The plan written under `area`, or an empty one. */
export function planOf(plans: ReadonlyMap<string, AreaPlan>, area: string): AreaPlan {
  return plans.get(normalise(area)) ?? { goals: '', targets: '', ideas: '', reached: false };
}

/**
 * Whether a note's text names `area`: it holds the area's title or short name as words, or its first
 * line starts with a label (`Capacity planning: ...`, `### Capacity planning`) that begins the title.
 */
export function namesArea(text: string, area: string): boolean {
  const haystack = normalise(text);
  if (areaNames(area).some((name) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'u').test(haystack))) return true;
  const label = labelOf(text);
  const title = normalise(area);
  return label !== null && label.length >= 4 && title.startsWith(label) && !/[\p{L}\p{N}]/u.test(title.charAt(label.length));
}

/** The label a note starts with: a heading's text, or the words before a colon on its first line; null when none. */
function labelOf(text: string): string | null {
  const first = text.trim().split(/\r?\n/)[0] ?? '';
  const heading = /^#{1,6}\s+(.+?)\s*#*$/.exec(first);
  const plain = /^(?:\*\*)?([^:*]{4,80}?)(?:\*\*)?:/.exec(first);
  const label = heading?.[1] ?? plain?.[1];
  return label ? normalise(label.replace(/[*_`]/g, '')) : null;
}

/** People's notes (not system notes, not Trellis's) that name `area`, oldest first. */
export function notesAbout(notes: readonly Note[], area: string, bot: string): Note[] {
  return notes.filter((n) => !n.system && n.author.toLowerCase() !== bot.toLowerCase() && namesArea(n.body, area));
}

/** The names a note may use for an area: its title and, when shorter and at least four letters, its short name. */
export function areaNames(area: string): string[] {
  const title = normalise(area);
  const short = title.split(/[:(,]/)[0]?.trim() ?? '';
  return short.length >= 4 && short !== title ? [title, short] : [title];
}

function normalise(s: string): string {
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
