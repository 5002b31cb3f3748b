import { TRELLIS_LABEL_NAMES } from './setup-catalog.js';

/**
 * The issue boards Trellis keeps (docs/boards.md): what each is called, where it lives and its lists
 * in order. Trellis knows its boards by these names; a board of another name is a person's and is
 * never touched.
 */

/** Which board. */
export type BoardKey = 'training' | 'checkpoints' | 'internships';

/** Where a board lives: the department project, or the records group (a group board over every records project). */
export type BoardPlaceKind = 'department' | 'records';

export interface BoardSpec {
  readonly key: BoardKey;
  readonly name: string;
  readonly place: BoardPlaceKind;
  /** Label lists, left to right. */
  readonly lists: readonly string[];
  /** Scoped to the current quarter's label where the tier allows it (Premium). */
  readonly quarterScoped: boolean;
}

const withPrefix = (...prefixes: string[]): string[] => prefixes.flatMap((p) => TRELLIS_LABEL_NAMES.filter((n) => n.startsWith(p)));

/** The three boards, in the order setup reports them. */
export const TRELLIS_BOARDS: readonly BoardSpec[] = Object.freeze([
  { key: 'training', name: 'Training', place: 'department', lists: withPrefix('sre-i::', 'sre-ii::'), quarterScoped: false },
  // Checkpoints live in each person's private records project; a group board shows them all, each
  // viewer seeing only the issues they may read (doc/user/project/issue_board.md, "Group issue boards").
  { key: 'checkpoints', name: 'Career checkpoints', place: 'records', lists: withPrefix('checkpoint::'), quarterScoped: true },
  { key: 'internships', name: 'Internships', place: 'department', lists: withPrefix('internship::'), quarterScoped: false },
] satisfies BoardSpec[]);

/** The spec of a board by key. */
export function boardSpec(key: BoardKey): BoardSpec {
  const spec = TRELLIS_BOARDS.find((b) => b.key === key);
  if (!spec) throw new Error(`unknown board ${key}`);
  return spec;
}
