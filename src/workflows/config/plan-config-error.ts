import type { Action } from '../../core/actions.js';
import { marker } from '../../core/markers.js';
import { quoteBlock } from '../../core/markdown-safety.js';

export const CONFIG_ERROR_LABEL = 'trellis-config-error';
export const CONFIG_ERROR_MARKER = marker('config-error', 'roster');
const STATUS = marker('status', 'config-error');

/** The outcome of reading the roster; `version` names what was read (a commit, or the file). */
export type RosterCheck =
  | { readonly ok: true; readonly version: string }
  | { readonly ok: false; readonly version: string; readonly source: string; readonly message: string };

/**
 * After the roster changed: an invalid one opens (or reopens) the one `trellis-config-error` issue
 * and says what is wrong; a valid one closes it. `openIssue` is that issue's iid when one is open.
 */
export function planConfigError(check: RosterCheck, openIssue: number | null): Action[] {
  if (check.ok) {
    if (openIssue === null) return [];
    return [
      { kind: 'upsert-note', issue: { iid: openIssue }, marker: STATUS, body: `The roster is valid again (${check.version}); Trellis uses it now. Closing.` },
      { kind: 'set-state', issue: { iid: openIssue }, state: 'closed' },
    ];
  }
  return [
    {
      kind: 'ensure-issue',
      ref: 'config-error',
      marker: CONFIG_ERROR_MARKER,
      draft: {
        title: 'Trellis: the roster is invalid',
        description: [
          `Trellis could not use \`${check.source}\`. Until it is fixed, Trellis keeps using the last valid roster.`,
          '',
          'Fix the file on the default branch; Trellis checks every push and closes this issue when the roster is valid.',
          'Run `trellis validate-roster <file>` to check a file before pushing it.',
        ].join('\n'),
        labels: [CONFIG_ERROR_LABEL],
        assignees: [],
        confidential: false,
      },
    },
    { kind: 'set-state', issue: { ref: 'config-error' }, state: 'opened' },
    {
      kind: 'upsert-note',
      issue: { ref: 'config-error' },
      marker: STATUS,
      body: `The roster (${check.version}) is invalid:\n\n${quoteBlock(check.message)}\n\nTrellis keeps using the last valid roster.`,
    },
  ];
}
