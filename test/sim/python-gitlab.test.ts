import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSim } from '../../src/sim/index.js';
import { startReceiver, startRecordsSim } from './sim-helpers.js';

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
made = issue.notes.create({"body": "from python"})
issue.state_event = "close"
issue.save()
again = proj.issues.get(1)
notes = again.notes.list(get_all=True)
# Trellis reads a command note back by id, and who moved a label from the label events.
by_id = again.notes.get(made.id)
listed = again.resourcelabelevents.list(get_all=True)
events = [[e.action, e.label["name"], e.user["username"]] for e in listed]
one = again.resourcelabelevents.get(listed[-1].id)
print(json.dumps({
    "all": len(every), "batch": len(batch), "first_page": len(first_page),
    "state": again.state, "labels": sorted(again.labels),
    "comments": [n.body for n in notes if not n.system], "members": len(proj.members_all.list(get_all=True)),
    "note_by_id": [by_id.body, by_id.author["username"]], "label_events": events,
    "label_event_by_id": [one.action, one.label["name"]],
}))
`;

/** Groups: hooks, labels, issues, members, projects, and the permission rules Trellis's records rely on. */
const GROUP_SCRIPT = String.raw`
import json, os, gitlab
url = os.environ["SIM_URL"]
gid = int(os.environ["GROUP_ID"])
alice_id = int(os.environ["ALICE_ID"])
def as_(u):
    return gitlab.Gitlab(url, private_token="tok-" + u)
def users(lst):
    return sorted([m.username, m.access_level] for m in lst)
bot = as_("bot")
group = bot.groups.get(gid)
out = {}

hook = group.hooks.create({"url": os.environ["HOOK_URL"], "issues_events": True, "confidential_issues_events": True, "token": "py-group"})
hook.note_events = True
hook.save()
out["hook"] = [group.hooks.get(hook.id).note_events, len(group.hooks.list())]
try:
    as_("reader").groups.get(gid).hooks.list()
except gitlab.exceptions.GitlabListError as e:
    out["reader_hooks"] = e.response_code

label = group.labels.create({"name": "py-label", "color": "#112233"})
label.new_name = "py-label-2"
label.save()
out["group_labels"] = sorted(l.name for l in group.labels.list(get_all=True))
group.labels.get("py-label-2").delete()

alice = bot.projects.get(alice_id)
issue = alice.issues.create({"title": "py checkpoint", "labels": ["record::checkpoint"], "confidential": True})
out["issue_labels"] = issue.labels
out["project_labels"] = sorted([l.name, l.is_project_label] for l in alice.labels.list(get_all=True))
out["reader_group_issues"] = sorted(i.title for i in as_("reader").groups.get(gid).issues.list(get_all=True))
out["gina_group_issues"] = sorted(i.title for i in as_("gina").groups.get(gid, lazy=True).issues.list(get_all=True))
as_("alice").projects.get(alice_id, lazy=True).issues.create({"title": "alice own"})
out["alice_scopes"] = {s: sorted(i.title for i in as_("alice").issues.list(scope=s, get_all=True)) for s in ["created_by_me", "assigned_to_me", "all"]}
out["admin_all"] = len(gitlab.Gitlab(url, private_token=os.environ["ROOT_TOKEN"]).issues.list(scope="all", get_all=True))

gina_issue = as_("gina").projects.get(alice_id, lazy=True).issues.create({"title": "gina asks"})
gina_issue.labels = ["confidential-hr"]
gina_issue.title = "gina asks again"
gina_issue.save()
out["guest_edit"] = [gina_issue.title, gina_issue.labels]
try:
    as_("gina").projects.get(alice_id, lazy=True).issues.get(issue.iid)
except gitlab.exceptions.GitlabGetError as e:
    out["guest_reads_confidential"] = e.response_code
try:
    as_("olga").projects.get(alice_id)
except gitlab.exceptions.GitlabGetError as e:
    out["outsider"] = e.response_code

out["members_all"] = users(group.members_all.list(get_all=True))
out["project_members_all"] = users(alice.members_all.list(get_all=True))
member = group.members.get(int(os.environ["READER_ID"]))
member.access_level = 30
member.save()
out["reader_level"] = group.members.get(int(os.environ["READER_ID"])).access_level
out["query"] = users(group.members.list(query="read"))
group.members.delete(int(os.environ["READER_ID"]))
out["after_delete"] = users(group.members.list(get_all=True))

made = bot.projects.create({"name": "py-proj", "namespace_id": gid, "visibility": "private", "description": "py"})
out["group_projects"] = sorted(p.path for p in group.projects.list(include_subgroups=True, get_all=True))
bot.projects.delete(made.id)
out["after_project_delete"] = sorted(p.path for p in group.projects.list(get_all=True))
print(json.dumps(out))
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
    expect(out).toEqual({
      all: 25,
      batch: 13,
      first_page: 20,
      state: 'closed',
      labels: ['done', 'py'],
      comments: ['from python'],
      members: 2,
      note_by_id: ['from python', 'py'],
      // One change's additions come before its removals, as ResourceEvents::ChangeLabelsService writes them.
      label_events: [
        ['add', 'py', 'py'],
        ['add', 'batch', 'py'],
        ['add', 'done', 'py'],
        ['remove', 'batch', 'py'],
      ],
      label_event_by_id: ['remove', 'batch'],
    });
    await sim.idle();
    const events = rx.got.map((r) => `${r.headers['x-gitlab-event']}:${r.body.object_attributes?.action}`);
    expect(events.filter((e) => e === 'Issue Hook:open')).toHaveLength(25);
    expect(events).toEqual(expect.arrayContaining(['Issue Hook:update', 'Note Hook:create', 'Issue Hook:close']));
    expect(rx.got[0]!.headers['x-gitlab-token']).toBe('py-secret');
  }, 40_000);

  it('manages group hooks, labels, issues, members and projects and meets GitLab\'s permission rules', async () => {
    const t = await startRecordsSim();
    const env = {
      ...process.env, SIM_URL: t.sim.url, ROOT_TOKEN: t.sim.rootToken, HOOK_URL: rx.url, GROUP_ID: String(t.groupId), ALICE_ID: String(t.alice), READER_ID: String(t.id('reader')),
    };
    rx.got.length = 0;
    const { stdout } = await run(PYTHON, ['-c', GROUP_SCRIPT], { env, timeout: 30_000 }).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`python-gitlab group script failed: ${err.stderr ?? err.message}`);
    });
    const out = JSON.parse(stdout.trim()) as Record<string, unknown>;
    expect(out).toEqual({
      hook: [true, 1],
      reader_hooks: 403,
      group_labels: ['confidential-hr', 'py-label-2', 'record::checkpoint', 'record::conversation'],
      issue_labels: ['record::checkpoint'],
      project_labels: [['confidential-hr', false], ['record::checkpoint', false], ['record::conversation', false]],
      reader_group_issues: ['py checkpoint'],
      gina_group_issues: [],
      alice_scopes: { created_by_me: ['alice own'], assigned_to_me: [], all: ['alice own', 'py checkpoint'] },
      admin_all: 2,
      guest_edit: ['gina asks again', []],
      guest_reads_confidential: 404,
      outsider: 404,
      members_all: [['bot', 50], ['reader', 20]],
      project_members_all: [['alice', 30], ['bot', 50], ['gina', 10], ['mgr', 30], ['pam', 15], ['reader', 20], ['rex', 20]],
      reader_level: 30,
      query: [['reader', 30]],
      after_delete: [['bot', 50]],
      group_projects: ['alice', 'bob', 'py-proj'],
      after_project_delete: ['alice', 'bob'],
    });
    await t.sim.idle();
    const events = rx.got.map((r) => r.headers['x-gitlab-event']);
    expect(events).toEqual(['Confidential Issue Hook', 'Issue Hook', 'Issue Hook', 'Issue Hook']);
    expect(rx.got[0]!.headers['x-gitlab-token']).toBe('py-group');
    await t.sim.close();
  }, 40_000);
});
