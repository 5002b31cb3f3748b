import { BOT, startE2E } from '../test/helpers/e2e.js';
import type { ApiIssue } from '../test/helpers/e2e.js';
import { requestText } from '../test/unit/internship-fixtures.js';

export interface InternshipResult {
  /** GitLab calls of one approval, counted by the simulator (the manager's own comment subtracted). */
  readonly writes: number;
  readonly reads: number;
  readonly issue_creates: number;
  readonly note_creates: number;
  readonly by_route: Readonly<Record<string, number>>;
  /** The request's state label afterwards: `internship::active` when the approval went through. */
  readonly state: string | null;
}

const NOW = '2026-04-01T09:00:00.000Z';
const ACCESS_PROJECT = 'infra/access-requests';

/**
 * One internship approval in the demo department, as the e2e suite drives it: ian saves a complete
 * request (Trellis moves it to pending approval), then his manager grace comments `@trellis-bot approve`.
 * What the approval costs is counted from that comment until Trellis is idle: the task issues (pairing,
 * on-call shadowing, an access request in the access-requests project), the SRE I and II modules,
 * links, notes and labels.
 */
export async function runInternship(log: (line: string) => void): Promise<InternshipResult> {
  const e2e = await startE2E({ now: NOW });
  try {
    const root = e2e.as('root');
    const access = await root.api<{ id: number }>('GET', `/projects/${encodeURIComponent(ACCESS_PROJECT)}`);
    for (const u of ['ian', 'sofia']) await root.api('POST', `/projects/${access.id}/members`, { user_id: e2e.users[u], access_level: 30 });
    await root.api('POST', `/projects/${access.id}/hooks`, { url: `${e2e.trellis.url}/webhooks/gitlab`, token: 'e2e-secret', issues_events: true, note_events: true });
    const request = await e2e.as('ian').createIssue({ title: 'Internship request: ian', description: requestText({}, { quickActions: true }) });
    await e2e.settle(60_000);
    // Whole-second webhook times: the approval comes a second later, as a person's would.
    e2e.setClock('2026-04-01T09:00:02.000Z');
    e2e.sim.resetRequests();
    await e2e.as('grace').comment(request.iid, `@${BOT} approve`);
    await e2e.settle(60_000);
    const c = e2e.sim.requests();
    const after = await e2e.as('ian').issue(request.iid);
    const byRoute = { ...c.byRoute };
    const own = 'POST /projects/:id/issues/:issue_iid/notes';
    byRoute[own] = (byRoute[own] ?? 0) - 1;
    const state = (after as ApiIssue).labels.find((l) => l.startsWith('internship::')) ?? null;
    log(`  internship approval: ${c.byClass.write - 1} writes (${c.byClass.issue_create} issues, ${c.byClass.note_create - 1} notes), ${c.byClass.read} reads; now ${state}`);
    return {
      writes: c.byClass.write - 1,
      reads: c.byClass.read,
      issue_creates: c.byClass.issue_create,
      note_creates: c.byClass.note_create - 1,
      by_route: Object.fromEntries(Object.entries(byRoute).filter(([, v]) => v > 0)),
      state,
    };
  } finally {
    await e2e.close();
  }
}
