import type { Action } from '../../core/actions.js';
import { inertMarkdown, inlineText, quoteBlock } from '../../core/markdown-safety.js';
import { findMarkers, marker, renderMarker } from '../../core/markers.js';
import type { Marker } from '../../core/markers.js';
import { findPerson } from '../../core/roster.js';
import type { Roster } from '../../core/roster.js';
import type { Issue, Note } from '../../core/gitlab-port.js';
import { checkpointMarker, CHECKPOINT_LABEL, identifyCheckpoint } from '../checkpoint/checkpoint-record.js';
import { CONVERSATION_LABEL, conversationMarker, identifyConversation } from '../conversation/conversation-record.js';
import { recordsOf } from '../records.js';
import type { WorkflowContext } from '../workflow.js';
import { syncOptions } from './privacy-workflow.js';
import { emptyAccessReport, syncRecordsProject } from './records-access.js';

/*
 * `trellis migrate-records`: checkpoints and big-picture conversations that an earlier Trellis kept
 * in the department project (where every Planner/Reporter could read them, confidential or not) are
 * moved into their person's private records project. GitLab's own issue move keeps the old issue's
 * text where it was, so Trellis copies instead: the new issue gets the description (its `#12`
 * references rewritten to stay right), the notes as quotes naming their authors and dates, the
 * state and the links; then the old issue's text and notes are removed and it says where the record
 * went, so nothing private is left behind and nothing is lost. Re-running it moves nothing twice.
 */

/** What happened, or would happen, to one record. */
export interface MigrationRow {
  /** `infra/career#12` */
  readonly from: string;
  readonly person: string;
  /** `infra/career-records/alice#3`, or the project in a dry run. */
  readonly to: string;
  readonly notes: number;
  readonly outcome: 'moved' | 'would move' | 'already moved' | 'left' | 'failed';
  readonly detail: string;
}

const MOVED = 'moved';
/** Labels a moved-away record no longer carries in the department project (listings and boards skip it). */
const RECORD_SCOPES = /^(career-checkpoint|career-conversation|quarter::|checkpoint::)/;

interface Candidate {
  readonly issue: Issue;
  readonly person: string;
  readonly marker: Marker;
  /** Conversations first, then checkpoints by quarter: links between them can then be rewritten. */
  readonly order: string;
}

/** Moves (or, with `dryRun`, lists) every record of the department project into its person's private project. */
export async function migrateRecords(ctx: WorkflowContext, opts: { dryRun: boolean }): Promise<MigrationRow[]> {
  const roster = await ctx.roster();
  const department = ctx.config.gitlab?.project ?? '';
  const candidates = await findCandidates(ctx);
  const rows: MigrationRow[] = [];
  const moved = new Map<number, string>();
  for (const c of candidates.sort((a, b) => (a.person === b.person ? a.order.localeCompare(b.order) : a.person.localeCompare(b.person)))) {
    const from = `${department}#${c.issue.iid}`;
    const project = recordsOf(ctx).projectOf(c.person);
    const already = findMarkers(c.issue.description).find((m) => m.kind === MOVED);
    if (already) {
      rows.push({ from, person: c.person, to: already.key.replace(/^(.*)-(\d+)$/, '$1#$2'), notes: 0, outcome: 'already moved', detail: '' });
      continue;
    }
    const person = findPerson(roster, c.person);
    if (!person?.manager) {
      rows.push({ from, person: c.person, to: '', notes: 0, outcome: 'left', detail: 'not a report on the roster: there is no private project to move it to (add them, or move it by hand)' });
      continue;
    }
    const notes = (await ctx.gitlab.listNotes(c.issue.iid)).filter((n) => !n.system);
    if (opts.dryRun) {
      rows.push({ from, person: c.person, to: project, notes: notes.length, outcome: 'would move', detail: c.issue.title });
      continue;
    }
    try {
      const ref = await moveOne(ctx, roster, c, person.manager, notes, moved);
      moved.set(c.issue.iid, ref);
      rows.push({ from, person: c.person, to: ref, notes: notes.length, outcome: 'moved', detail: c.issue.title });
    } catch (err) {
      rows.push({ from, person: c.person, to: project, notes: notes.length, outcome: 'failed', detail: err instanceof Error ? err.message : String(err) });
      ctx.log.warn({ iid: c.issue.iid, person: c.person }, 'record not moved');
    }
  }
  return rows;
}

/** Checkpoints and conversations of the department project, by the person each is for. */
async function findCandidates(ctx: WorkflowContext): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const seen = new Set<number>();
  for (const label of [CONVERSATION_LABEL, CHECKPOINT_LABEL]) {
    for await (const issue of ctx.gitlab.listIssues({ labels: [label], state: 'all' })) {
      if (seen.has(issue.iid)) continue;
      seen.add(issue.iid);
      const conversation = identifyConversation(issue);
      const checkpoint = identifyCheckpoint(issue);
      if (conversation) out.push({ issue, person: conversation.person.toLowerCase(), marker: conversationMarker(conversation.person.toLowerCase()), order: '0' });
      else if (checkpoint) out.push({ issue, person: checkpoint.report.toLowerCase(), marker: checkpointMarker(checkpoint.quarter, checkpoint.report.toLowerCase()), order: `1 ${checkpoint.quarter}` });
    }
  }
  // Moved ones carry no record label any more; they are found again only through their own listing.
  return out;
}

async function moveOne(ctx: WorkflowContext, roster: Roster, c: Candidate, manager: string, notes: readonly Note[], moved: ReadonlyMap<number, string>): Promise<string> {
  const layout = recordsOf(ctx);
  const project = layout.projectOf(c.person);
  const department = ctx.config.gitlab?.project ?? '';
  await syncRecordsProject({ ...(await syncOptions(ctx, roster)), dryRun: false }, { person: c.person, manager, project }, emptyAccessReport());
  const old = c.issue;
  const description = rewriteReferences(stripMarkers(old.description), department, moved);
  const intro = `_Moved by Trellis from ${department}#${old.iid} (created ${old.createdAt.slice(0, 10)} by ${inlineText(old.author)}), so that only ${inlineText(c.person)}, their manager and the record readers can read it._`;
  const actions: Action[] = [
    {
      kind: 'ensure-issue',
      ref: 'moved',
      marker: c.marker,
      // A person's own issue (a conversation made from the template) is copied by Trellis: it is
      // the author of the copy, and the intro names who wrote the original.
      draft: { title: old.title, description: `${intro}\n\n${description}`, labels: [...old.labels], assignees: [c.person, manager], confidential: true, dueDate: old.dueDate },
    },
    ...notes.map(
      (n): Action => ({ kind: 'reply', issue: { ref: 'moved' }, marker: marker('migrated', String(n.id)), body: `${inlineText(n.author)} wrote on ${n.createdAt.slice(0, 10)}:\n\n${quoteBlock(stripMarkers(n.body))}` }),
    ),
    ...(old.state === 'closed' ? [{ kind: 'set-state', issue: { ref: 'moved' }, state: 'closed' } satisfies Action] : []),
  ];
  const result = await ctx.executor.apply(actions, { project });
  const created = result.refs.get('moved');
  if (!created) throw new Error(`the copy in ${project} was neither found nor created`);
  const ref = `${project}#${created.iid}`;
  // Links the old issue had (an internship, the previous checkpoint) stay with the record.
  const gw = ctx.gitlab.forProject(project);
  for (const link of await ctx.gitlab.listLinks(old.iid)) await gw.linkIssues(created.iid, link);
  // Only now is the original emptied: its text and notes are in the private copy.
  for (const n of notes) await ctx.gitlab.deleteNote(old.iid, n.id);
  await ctx.gitlab.updateIssue(old.iid, {
    title: `Moved: ${old.title}`,
    description: `This record moved to ${ref}, in ${inlineText(c.person)}'s private records project: in this project every Planner or Reporter could read it. Its text and notes were removed here.\n\n${renderMarker(marker(MOVED, `${project}-${created.iid}`))}\n`,
    removeLabels: old.labels.filter((l) => RECORD_SCOPES.test(l)),
    confidential: true,
    ...(old.state === 'opened' ? { stateEvent: 'close' as const } : {}),
  });
  return ref;
}

/** Trellis's markers out of copied text: the copy gets its own, and a copied marker would claim another record. */
function stripMarkers(text: string): string {
  return findMarkers(text).reduce((t, m) => t.split(renderMarker(m)).join(''), text).trimEnd();
}

/**
 * `#12` in a copied description named an issue of the department project; in the private project
 * it would name another. It becomes the moved record's new reference, or `infra/career#12`.
 */
export function rewriteReferences(text: string, department: string, moved: ReadonlyMap<number, string>): string {
  return inertMarkdown(text).replace(/(^|[\s([])#(\d+)\b/g, (_all, before: string, iid: string) => `${before}${moved.get(Number(iid)) ?? `${department}#${iid}`}`);
}
