import { expect } from 'vitest';
import { BOT } from '../helpers/e2e.js';
import type { ApiIssue, ApiNote, E2E } from '../helpers/e2e.js';

/** What the training e2e suites look at, as a person would in GitLab. */

export type Kind = 'sre-i' | 'sre-ii';

const TITLE = { 'sre-i': 'SRE I training', 'sre-ii': 'SRE II training' } as const;

/** Every module issue of a learner (any state): the tests expect exactly one unless they say so. */
export async function modulesOf(e2e: E2E, learner: string, kind: Kind): Promise<ApiIssue[]> {
  const all = await e2e.as('root').api<ApiIssue[]>('GET', `/projects/${e2e.projectId}/issues?state=all&per_page=100&search=${encodeURIComponent(TITLE[kind])}`);
  return all.filter((i) => i.title === `${TITLE[kind]}: @${learner}`);
}

/** The learner's one module of a kind; fails when there is none or more than one. */
export async function theModule(e2e: E2E, learner: string, kind: Kind): Promise<ApiIssue> {
  const found = await modulesOf(e2e, learner, kind);
  expect(found.map((i) => i.iid), `${learner}'s ${kind} modules`).toHaveLength(1);
  return found[0]!;
}

/** Trellis's notes on an issue (not system notes). */
export async function botNotes(e2e: E2E, iid: number): Promise<ApiNote[]> {
  return (await e2e.as('root').notes(iid)).filter((n) => !n.system && n.author.username === BOT);
}

/** Trellis's status notes on a module: exactly one is expected. */
export async function statusNote(e2e: E2E, iid: number): Promise<string> {
  const notes = (await botNotes(e2e, iid)).filter((n) => n.body.includes('<!-- trellis:status:'));
  expect(notes, `status notes on #${iid}`).toHaveLength(1);
  return notes[0]!.body;
}

/** Trellis's replies other than the status note and the welcome, oldest first. */
export async function replies(e2e: E2E, iid: number): Promise<string[]> {
  return (await botNotes(e2e, iid)).map((n) => n.body).filter((b) => !b.includes('<!-- trellis:status:') && !b.includes('<!-- trellis:welcome:'));
}

/** The scoped state label of a module. */
export function stateOf(issue: ApiIssue, kind: Kind): string | undefined {
  return issue.labels.find((l) => l.startsWith(`${kind}::`));
}

/** Ticks the next `n` required items (those not marked optional), as a learner does in the description. */
export function tick(description: string, n: number): string {
  let left = n;
  return description
    .split('\n')
    .map((line) => {
      if (left > 0 && /^\s*- \[ \] /.test(line) && !/\(optional\)/i.test(line)) {
        left -= 1;
        return line.replace('- [ ]', '- [x]');
      }
      return line;
    })
    .join('\n');
}

/** Ticks every required item. */
export function tickAll(description: string): string {
  return tick(description, Number.MAX_SAFE_INTEGER);
}

/** Unticks the last ticked item. */
export function untickLast(description: string): string {
  const at = description.lastIndexOf('- [x]');
  return at < 0 ? description : `${description.slice(0, at)}- [ ]${description.slice(at + 5)}`;
}

/** Moves a module's card on the issue board: the scoped label of one column replaces another's. */
export async function moveCard(e2e: E2E, who: string, issue: ApiIssue, kind: Kind, to: string): Promise<ApiIssue> {
  const from = stateOf(issue, kind);
  return e2e.as(who).editIssue(issue.iid, { add_labels: `${kind}::${to}`, ...(from ? { remove_labels: from } : {}) });
}

/** Issues linked to an issue. */
export async function linkedIids(e2e: E2E, iid: number): Promise<number[]> {
  const links = await e2e.as('root').api<Array<{ iid: number }>>('GET', `/projects/${e2e.projectId}/issues/${iid}/links`);
  return links.map((l) => l.iid).sort((a, b) => a - b);
}

/** Starts a module with a command on a fresh issue and waits for Trellis; returns the command's issue. */
export async function command(e2e: E2E, who: string, text: string, on?: number): Promise<number> {
  const iid = on ?? (await e2e.as(who).createIssue({ title: `${who} asks Trellis` })).iid;
  await e2e.as(who).comment(iid, `@${BOT} ${text}`);
  await e2e.settle();
  return iid;
}

/**
 * A clock that moves one second per step: GitLab's webhook times have whole seconds, and people do
 * not edit an issue twice in one second.
 */
export function ticking(e2e: E2E, startIso: string): () => void {
  let at = Date.parse(startIso);
  return () => {
    at += 1000;
    e2e.setClock(new Date(at).toISOString());
  };
}
