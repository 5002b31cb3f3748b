import { createHash } from 'node:crypto';
import type { Action, IssueRef } from './actions.js';
import { describeAction } from './actions.js';
import { AppError } from './errors.js';
import type { Log } from './log.js';
import { hasMarker, markerId, renderMarker } from './markers.js';
import type { Marker } from './markers.js';
import type { Locks, RecordCache } from './state-ports.js';
import type { GitLabGateway, Issue, IssueChange } from './gitlab-port.js';
import { labelsAfter } from './labels.js';
import { issueFingerprint } from './issue-fingerprint.js';
import { sameAssignees } from './assignees.js';

export interface ExecutorDeps {
  readonly gitlab: GitLabGateway;
  readonly locks: Locks;
  readonly cache: RecordCache;
  readonly log: Log;
  /** Trellis's own username (asked when first needed): only its notes are ever edited. */
  readonly botUsername: () => Promise<string>;
  /** Name of the records project, used in lock and cache keys. */
  readonly recordsProject: string;
  readonly dryRun?: boolean;
}

/** Issues a handler already listed, by marker id: a `complete` index means "absent here = absent in GitLab". */
export interface IssueIndex {
  readonly complete: boolean;
  /** Every listed issue carrying each marker, oldest first (someone may have copied a marker). */
  readonly byMarker: ReadonlyMap<string, readonly Issue[]>;
}

export interface ApplyOptions {
  /** Current state of issues the plan names by iid (e.g. from the webhook payload), so no re-read is needed. */
  readonly known?: readonly Issue[];
  readonly index?: IssueIndex;
  /**
   * The project of actions that name none, and of `known` and `index` (default: the records
   * project). A person's private records project, for their checkpoints and conversations.
   */
  readonly project?: string;
}

export type Outcome = 'created' | 'updated' | 'unchanged' | 'would-change' | 'skipped';

/** What a write changes (or, in a dry run, would change): the record, the field, from and to. */
export interface Change {
  /** `project#iid`, or the project and the new issue's title for a creation. */
  readonly record: string;
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

export interface ApplyResult {
  readonly writes: number;
  /** Each action with its outcome, and for a write (or a dry run's would-be write) what it changes. */
  readonly steps: ReadonlyArray<{ readonly action: string; readonly outcome: Outcome; readonly changes?: readonly Change[] }>;
  /** Issues by `ref` of the plan's ensure-issue actions. */
  readonly refs: ReadonlyMap<string, Issue>;
}

export interface Executor {
  /** Applies a plan in order; idempotent: applying it again changes nothing and writes nothing. */
  apply(actions: readonly Action[], opts?: ApplyOptions): Promise<ApplyResult>;
}

/** Builds an index of issues by the markers in their descriptions. */
export function indexIssues(issues: Iterable<Issue>, complete: boolean): IssueIndex {
  const byMarker = new Map<string, Issue[]>();
  for (const issue of issues) {
    for (const m of new Set(findAllMarkers(issue.description))) byMarker.set(m, [...(byMarker.get(m) ?? []), issue]);
  }
  for (const list of byMarker.values()) list.sort((a, b) => a.iid - b.iid);
  return { complete, byMarker };
}

function findAllMarkers(text: string): string[] {
  return [...text.matchAll(/<!-- trellis:([a-z0-9][a-z0-9-]*:[A-Za-z0-9._/@:+=-]+) -->/g)].map((m) => m[1] ?? '');
}

/** The note id a baseline memo carries: no note was written (see the `baseline-note` action). */
const NO_NOTE = 0;

/** A note's full text: what it says, then its marker. */
function noteBody(text: string, marker: Marker): string {
  return `${text.trimEnd()}\n\n${renderMarker(marker)}`;
}

/** Hash of a note body, to tell whether Trellis's note already says this. */
export function bodyHash(body: string): string {
  return createHash('sha1').update(body).digest('base64url').slice(0, 22);
}

/** The executor of "plan, then apply" (docs/architecture.md#principles, principle 3). */
export function createExecutor(deps: ExecutorDeps): Executor {
  return {
    async apply(actions, opts = {}) {
      const run = new Run(deps, opts);
      for (const action of actions) await run.step(action);
      if (deps.dryRun && actions.length > 0) deps.log.info({ plan: run.steps.map((st) => `${st.outcome}: ${st.action}`) }, 'dry run: plan not applied');
      return { writes: run.writes, steps: run.steps, refs: run.refs };
    },
  };
}

class Run {
  writes = 0;
  readonly steps: Array<{ action: string; outcome: Outcome; changes?: readonly Change[] }> = [];
  /** What the action being performed writes, filled in by the branch that writes. */
  private changes: Change[] = [];
  readonly refs = new Map<string, Issue>();
  private readonly known = new Map<string, Issue>();
  /** Project of each ref's issue (undefined: the records project). */
  private readonly refProjects = new Map<string, string | undefined>();

  private readonly home: string;

  constructor(
    private readonly deps: ExecutorDeps,
    private readonly opts: ApplyOptions,
  ) {
    this.home = opts.project ?? deps.recordsProject;
    for (const issue of opts.known ?? []) this.known.set(this.key(undefined, issue.iid), issue);
  }

  /** The gateway of a project an action names, or of this run's home project. */
  private gateway(project: string | undefined): GitLabGateway {
    const name = project ?? this.home;
    return name === this.deps.recordsProject ? this.deps.gitlab : this.deps.gitlab.forProject(name);
  }

  async step(action: Action): Promise<void> {
    this.changes = [];
    const outcome = await this.perform(action);
    const writes = outcome === 'created' || outcome === 'updated' || outcome === 'would-change';
    this.steps.push({ action: describeAction(action), outcome, ...(writes && this.changes.length > 0 ? { changes: this.changes } : {}) });
    if (outcome === 'created' || outcome === 'updated') this.writes += 1;
    this.deps.log.debug({ action: action.kind, outcome }, 'action applied');
  }

  private async perform(action: Action): Promise<Outcome> {
    switch (action.kind) {
      case 'ensure-issue':
        return this.ensureIssue(action, action.project);
      case 'set-labels':
        return this.withIssue(action.issue, (issue, gw, project) => {
          const next = labelsAfter(issue.labels, action.add, action.remove ?? []);
          if (!next.changed) return Promise.resolve('unchanged' as const);
          return this.write(project, issue, gw, { addLabels: next.added, removeLabels: next.removed });
        });
      case 'set-state':
        return this.withIssue(action.issue, (issue, gw, project) => {
          if (issue.state === action.state) return Promise.resolve('unchanged' as const);
          return this.write(project, issue, gw, { stateEvent: action.state === 'closed' ? 'close' : 'reopen' });
        });
      case 'update-issue':
        return this.withIssue(action.issue, (issue, gw, project) => {
          const change = issueFieldChanges(issue, action);
          if (Object.keys(change).length === 0) return Promise.resolve('unchanged' as const);
          return this.write(project, issue, gw, change);
        });
      case 'upsert-note':
        return this.withIssue(action.issue, (issue, gw, project) => this.upsertNote(project, gw, issue.iid, action.marker, action.body, true));
      case 'baseline-note':
        return this.withIssue(action.issue, async (issue, _gw, project) => {
          const id = markerId(action.marker);
          if (!this.deps.dryRun && !(await this.deps.cache.noteFor(project, issue.iid, id))) {
            await this.deps.cache.rememberNote(project, issue.iid, id, { noteId: NO_NOTE, hash: bodyHash(noteBody(action.body, action.marker)) });
          }
          return 'unchanged';
        });
      case 'reply':
        return this.withIssue(action.issue, (issue, gw, project) => this.upsertNote(project, gw, issue.iid, action.marker, action.body, false));
      case 'link-issues':
        return this.withIssue(action.issue, async (issue, gw) => {
          const target = await this.resolve(action.target);
          if (!target) return 'skipped';
          const links = await gw.listLinks(issue.iid);
          if (links.some((l) => l.projectId === target.issue.projectId && l.iid === target.issue.iid)) return 'unchanged';
          this.changes.push({ record: this.record(undefined, issue.iid), field: 'link', from: '(none)', to: `${target.project}#${target.issue.iid}` });
          if (this.deps.dryRun) return 'would-change';
          await gw.linkIssues(issue.iid, { projectId: target.issue.projectId, iid: target.issue.iid });
          return 'created';
        });
    }
  }

  private async ensureIssue(action: Extract<Action, { kind: 'ensure-issue' }>, project?: string): Promise<Outcome> {
    const { deps } = this;
    const { ref, marker, draft } = action;
    const bot = (await deps.botUsername()).toLowerCase();
    const adoptable = (issue: Issue): boolean => hasMarker(issue.description, marker) && issue.author.toLowerCase() === bot;
    const gw = this.gateway(project);
    const projectKey = project ?? this.home;
    const id = markerId(marker);
    const inHome = project === undefined || project === this.home;
    const indexed = inHome ? this.opts.index?.byMarker.get(id)?.find(adoptable) : undefined;
    if (indexed) return this.found(ref, project, indexed);
    return deps.locks.withLock(`issue:${projectKey}:${id}`, async () => {
      const cached = await deps.cache.issueFor(projectKey, id);
      if (cached !== null) {
        const issue = await gw.getIssue(cached);
        if (issue && adoptable(issue)) return this.found(ref, project, issue);
        await deps.cache.forgetIssue(projectKey, id);
      }
      if (!(this.opts.index?.complete && inHome)) {
        for await (const issue of gw.listIssues({ search: `trellis:${id}`, state: 'all' })) {
          if (adoptable(issue)) {
            await deps.cache.rememberIssue(projectKey, id, issue.iid);
            return this.found(ref, project, issue);
          }
        }
      }
      this.changes.push({ record: projectKey, field: 'issue', from: '(none)', to: draft.title });
      if (deps.dryRun) return 'would-change';
      const created = await gw.createIssue({ ...draft, description: `${draft.description.trimEnd()}\n\n${renderMarker(marker)}\n` });
      await deps.cache.rememberIssue(projectKey, id, created.iid);
      this.remember(ref, project, created);
      return 'created';
    });
  }

  private found(ref: string, project: string | undefined, issue: Issue): Outcome {
    this.remember(ref, project, issue);
    return 'unchanged';
  }

  private remember(ref: string, project: string | undefined, issue: Issue): void {
    this.refs.set(ref, issue);
    this.refProjects.set(ref, project);
    this.known.set(this.key(project, issue.iid), issue);
  }

  private async upsertNote(project: string, gw: GitLabGateway, iid: number, marker: Marker, text: string, editable: boolean): Promise<Outcome> {
    const { deps } = this;
    const id = markerId(marker);
    const body = noteBody(text, marker);
    const hash = bodyHash(body);
    const memo = await deps.cache.noteFor(project, iid, id);
    if (memo && (memo.hash === hash || !editable)) return 'unchanged';
    return deps.locks.withLock(`note:${project}:${iid}:${id}`, async () => {
      const again = memo ?? (await deps.cache.noteFor(project, iid, id));
      // A baseline (no note written yet) that no longer matches: look for a note as if nothing were known.
      let existing = again?.noteId === NO_NOTE ? null : again;
      if (!existing) {
        const [notes, bot] = await Promise.all([gw.listNotes(iid), deps.botUsername()]);
        const mine = notes.find((n) => n.author === bot && hasMarker(n.body, marker));
        if (mine) existing = { noteId: mine.id, hash: bodyHash(mine.body) };
      }
      if (existing && (existing.hash === hash || !editable)) {
        await deps.cache.rememberNote(project, iid, id, existing);
        return 'unchanged';
      }
      this.changes.push({ record: `${project}#${iid}`, field: `${editable ? 'note' : 'reply'} ${marker.kind}`, from: existing ? '(an older text)' : '(none)', to: firstLine(text) });
      if (deps.dryRun) return 'would-change';
      if (existing) {
        try {
          await gw.updateNote(iid, existing.noteId, body);
          await deps.cache.rememberNote(project, iid, id, { noteId: existing.noteId, hash });
          return 'updated';
        } catch (err) {
          // A person deleted Trellis's note: write it again rather than fail forever.
          if (!(err instanceof AppError && err.code === 'gitlab_not_found')) throw err;
        }
      }
      const note = await gw.createNote(iid, body);
      await deps.cache.rememberNote(project, iid, id, { noteId: note.id, hash });
      return 'created';
    });
  }

  private async write(project: string | undefined, issue: Issue, gw: GitLabGateway, change: IssueChange): Promise<Outcome> {
    this.changes.push(...describeChange(this.record(project, issue.iid), issue, change));
    if (this.deps.dryRun) return 'would-change';
    const updated = await gw.updateIssue(issue.iid, change);
    this.known.set(this.key(project, issue.iid), updated);
    // Trellis's own events are skipped, so record this version here: an older payload arriving later is then read fresh.
    await this.deps.cache.observeIssue(String(updated.projectId), updated.iid, updated.updatedAt, issueFingerprint(updated));
    return 'updated';
  }

  private record(project: string | undefined, iid: number): string {
    return `${project ?? this.home}#${iid}`;
  }

  private async withIssue(ref: IssueRef, fn: (issue: Issue, gw: GitLabGateway, project: string) => Promise<Outcome>): Promise<Outcome> {
    const target = await this.resolve(ref);
    if (!target) return 'skipped';
    return fn(target.issue, target.gw, target.project);
  }

  private async resolve(ref: IssueRef): Promise<{ issue: Issue; gw: GitLabGateway; project: string } | null> {
    const { deps } = this;
    if ('ref' in ref) {
      const created = this.refs.get(ref.ref);
      if (!created) {
        if (deps.dryRun) return null;
        throw new Error(`plan refers to ${ref.ref} before an ensure-issue created it`);
      }
      const other = this.refProjects.get(ref.ref);
      const issue = this.known.get(this.key(other, created.iid)) ?? created;
      return { issue, gw: this.gateway(other), project: other ?? this.home };
    }
    const project = ref.project ?? this.home;
    const gw = this.gateway(ref.project);
    const key = this.key(ref.project, ref.iid);
    let issue = this.known.get(key);
    if (!issue) {
      const fetched = await gw.getIssue(ref.iid);
      if (!fetched) throw new AppError('gitlab_not_found', `issue ${project}#${ref.iid} does not exist`, { iid: ref.iid });
      issue = fetched;
      this.known.set(key, issue);
    }
    return { issue, gw, project };
  }

  private key(project: string | undefined, iid: number): string {
    return `${project ?? this.home}#${iid}`;
  }
}

/** Each field an issue write changes, from what the issue has to what it will have. */
function describeChange(record: string, issue: Issue, change: IssueChange): Change[] {
  const out: Change[] = [];
  const list = (xs: readonly string[]) => (xs.length === 0 ? '(none)' : [...xs].sort().join(', '));
  if (change.addLabels || change.removeLabels) {
    const after = labelsAfter(issue.labels, change.addLabels ?? [], change.removeLabels ?? []).labels;
    out.push({ record, field: 'labels', from: list(issue.labels), to: list(after) });
  }
  if (change.stateEvent) out.push({ record, field: 'state', from: issue.state, to: change.stateEvent === 'close' ? 'closed' : 'opened' });
  if (change.assignees) out.push({ record, field: 'assignees', from: list(issue.assignees), to: list(change.assignees) });
  if (change.dueDate !== undefined) out.push({ record, field: 'due date', from: issue.dueDate ?? '(none)', to: change.dueDate ?? '(none)' });
  if (change.confidential !== undefined) out.push({ record, field: 'confidential', from: String(issue.confidential), to: String(change.confidential) });
  if (change.title !== undefined) out.push({ record, field: 'title', from: issue.title, to: change.title });
  if (change.description !== undefined) out.push({ record, field: 'description', from: `${issue.description.length} characters`, to: `${change.description.length} characters` });
  return out;
}

/** The first line of a note, shortened, to say what it will say. */
function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function issueFieldChanges(issue: Issue, a: Extract<Action, { kind: 'update-issue' }>): IssueChange {
  const change: { -readonly [K in keyof IssueChange]: IssueChange[K] } = {};
  if (a.title !== undefined && a.title !== issue.title) change.title = a.title;
  if (a.confidential !== undefined && a.confidential !== issue.confidential) change.confidential = a.confidential;
  if (a.dueDate !== undefined && a.dueDate !== issue.dueDate) change.dueDate = a.dueDate;
  if (a.assignees !== undefined && !sameAssignees(issue.assignees, a.assignees)) change.assignees = a.assignees;
  if (a.replaceText && a.replaceText.length > 0) {
    const description = a.replaceText.reduce((text, r) => text.split(r.from).join(r.to), issue.description);
    if (description !== issue.description) change.description = description;
  }
  return change;
}

