import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { startReceiver } from './sim-helpers.js';

const run = promisify(execFile);
// Debian's python3-gitlab installs into the system Python; a pyenv shim may shadow it on PATH.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const SCRIPT = String.raw`
import json, os, gitlab
url = os.environ["SIM_URL"]
root = gitlab.Gitlab(url, private_token=os.environ["ROOT_TOKEN"])
root.auth()
assert root.user.username == "root"
user = root.users.create({"username": "py", "name": "Py Thon", "email": "py@example.com", "password": "secret-pass-123"})
token = user.personal_access_tokens.create({"name": "py", "scopes": ["api"]})
group = root.groups.create({"name": "Py Group", "path": "pygroup"})
project = root.projects.create({"name": "pyproj", "namespace_id": group.id})
project.members.create({"user_id": user.id, "access_level": 40})
project.files.create({"file_path": "docs/a.md", "branch": "main", "content": "hello", "commit_message": "add a"})
project.hooks.create({"url": os.environ["HOOK_URL"], "issues_events": True, "note_events": True, "token": "py-secret"})

gl = gitlab.Gitlab(url, private_token=token.token)
proj = gl.projects.get("pygroup/pyproj")
assert proj.files.get(file_path="docs/a.md", ref="main").decode() == b"hello"
for n in range(25):
    proj.issues.create({"title": "issue %d" % n, "labels": ["py", "batch"] if n % 2 == 0 else ["py"]})
try:
    every = proj.issues.list(get_all=True, labels=["py"])
except TypeError:
    every = proj.issues.list(all=True, labels=["py"])
batch = list(proj.issues.list(iterator=True, labels=["batch"], per_page=5)) if hasattr(proj.issues, "list") else []
first_page = proj.issues.list(per_page=20, page=1)
issue = proj.issues.get(1)
issue.labels = ["py", "done"]
issue.save()
issue.notes.create({"body": "from python"})
issue.state_event = "close"
issue.save()
again = proj.issues.get(1)
notes = again.notes.list(get_all=True)
print(json.dumps({
    "all": len(every), "batch": len(batch), "first_page": len(first_page),
    "state": again.state, "labels": sorted(again.labels),
    "comments": [n.body for n in notes if not n.system], "members": len(proj.members_all.list(get_all=True)),
}))
`;

describe('a third-party client: python-gitlab 3.12 against the simulator', () => {
  let sim: RunningSim;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    rx = await startReceiver();
  });
  afterAll(async () => {
    await sim.close();
    await rx.close();
  });

  it('sets up a user, group, project, member, file and hook, then creates, labels, pages, comments and closes', async () => {
    const { stdout } = await run(PYTHON, ['-c', SCRIPT], { env: { ...process.env, SIM_URL: sim.url, ROOT_TOKEN: sim.rootToken, HOOK_URL: rx.url }, timeout: 30_000 }).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`python-gitlab script failed (is python3-gitlab installed?): ${err.stderr ?? err.message}`);
    });
    const out = JSON.parse(stdout.trim()) as Record<string, unknown>;
    expect(out).toEqual({ all: 25, batch: 13, first_page: 20, state: 'closed', labels: ['done', 'py'], comments: ['from python'], members: 2 });
    await sim.idle();
    const events = rx.got.map((r) => `${r.headers['x-gitlab-event']}:${r.body.object_attributes?.action}`);
    expect(events.filter((e) => e === 'Issue Hook:open')).toHaveLength(25);
    expect(events).toEqual(expect.arrayContaining(['Issue Hook:update', 'Note Hook:create', 'Issue Hook:close']));
    expect(rx.got[0]!.headers['x-gitlab-token']).toBe('py-secret');
  }, 40_000);
});
