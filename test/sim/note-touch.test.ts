import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startTeamSim } from './sim-helpers.js';

const run = promisify(execFile);
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const T0 = Date.parse('2027-05-03T09:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

type Team = Awaited<ReturnType<typeof startTeamSim>>;

/**
 * GitLab's rule (Note#touch_noteable with Issue's ThrottledTouch): saving any note, new or edited,
 * user or system, moves the issue's `updated_at` only when it is more than a minute old.
 */
describe('a note touches its issue\'s updated_at at most once a minute, as GitLab does', () => {
  let t: Team;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    t = await startTeamSim();
    rx = await startReceiver();
    await t.as('mia').call('POST', `/projects/${t.projectId}/hooks`, { url: rx.url, issues_events: true, note_events: true });
  });
  afterAll(async () => {
    await t.sim.close();
    await rx.close();
  });

  it('with gitbeaker: a comment 10 s after a change leaves it, 2 minutes after moves it; editing a note and linking issues count too', async () => {
    const api = new Gitlab({ host: t.sim.url, token: 'tok-mia' });
    const updated = async (iid: number) => (await api.Issues.show(iid, { projectId: t.projectId })).updated_at;
    t.sim.setClock(at(0));
    const a = await api.Issues.create(t.projectId, 'touch a');
    const b = await api.Issues.create(t.projectId, 'touch b');
    t.sim.setClock(at(10));
    const note = await api.IssueNotes.create(t.projectId, a.iid, 'ten seconds later');
    expect(await updated(a.iid)).toBe(at(0));
    t.sim.setClock(at(120));
    await api.IssueNotes.create(t.projectId, a.iid, 'two minutes later');
    expect(await updated(a.iid)).toBe(at(120));
    t.sim.setClock(at(150));
    await api.IssueNotes.edit(t.projectId, a.iid, note.id, { body: 'edited within the minute' });
    expect(await updated(a.iid)).toBe(at(120));
    t.sim.setClock(at(420));
    await api.IssueNotes.edit(t.projectId, a.iid, note.id, { body: 'edited five minutes later' });
    expect(await updated(a.iid)).toBe(at(420));
    // A link writes a system note on both issues: b (untouched since 0) moves, a (touched at 420) moves too at 600.
    t.sim.setClock(at(600));
    await api.IssueLinks.create(t.projectId, a.iid, t.projectId, b.iid);
    expect([await updated(a.iid), await updated(b.iid)]).toEqual([at(600), at(600)]);
    t.sim.setClock(at(630));
    await api.IssueLinks.remove(t.projectId, a.iid, (await api.IssueLinks.all(t.projectId, a.iid))[0]!.issue_link_id);
    expect([await updated(a.iid), await updated(b.iid)]).toEqual([at(600), at(600)]);
    await t.sim.idle();
    // A touch is no save: no issue hook; the note hooks carry the issue as it then was.
    const hooks = rx.got.filter((r) => r.body.issue?.iid === a.iid || r.body.object_attributes?.iid === a.iid);
    expect(hooks.map((r) => r.headers['x-gitlab-event'])).toEqual(['Issue Hook', 'Note Hook', 'Note Hook', 'Note Hook', 'Note Hook']);
    expect(hooks.slice(1).map((r) => r.body.issue.updated_at)).toEqual(['2027-05-03 09:00:00 UTC', '2027-05-03 09:02:00 UTC', '2027-05-03 09:02:00 UTC', '2027-05-03 09:07:00 UTC']);
    t.sim.setClock(null);
  });

  it('with python-gitlab: the same rule', async () => {
    const script = String.raw`
import json, os, gitlab, urllib.request
url, pid = os.environ["SIM_URL"], int(os.environ["PROJECT_ID"])
def clock(now):
    req = urllib.request.Request(url + "/-/sim/clock", data=json.dumps({"now": now}).encode(), method="PUT",
                                 headers={"Content-Type": "application/json", "PRIVATE-TOKEN": os.environ["ROOT_TOKEN"]})
    urllib.request.urlopen(req).read()
gl = gitlab.Gitlab(url, private_token="tok-mia")
project = gl.projects.get(pid)
clock("2027-06-01T12:00:00Z")
issue = project.issues.create({"title": "py touch"})
clock("2027-06-01T12:00:30Z")
note = issue.notes.create({"body": "half a minute"})
out = [project.issues.get(issue.iid).updated_at]
clock("2027-06-01T12:01:31Z")
note.body = "edited after a minute"
note.save()
out.append(project.issues.get(issue.iid).updated_at)
clock(None)
print(json.dumps(out))
`;
    const env = { ...process.env, SIM_URL: t.sim.url, PROJECT_ID: String(t.projectId), ROOT_TOKEN: t.sim.rootToken };
    const { stdout } = await run(PYTHON, ['-c', script], { env, timeout: 30_000 }).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`python-gitlab touch script failed: ${err.stderr ?? err.message}`);
    });
    expect(JSON.parse(stdout.trim())).toEqual(['2027-06-01T12:00:00.000Z', '2027-06-01T12:01:31.000Z']);
  }, 40_000);
});
