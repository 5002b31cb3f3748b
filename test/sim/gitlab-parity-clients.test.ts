import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startTeamSim, type Json } from './sim-helpers.js';

const run = promisify(execFile);
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

type Team = Awaited<ReturnType<typeof startTeamSim>>;

describe('issue 17\'s behaviours through gitbeaker and python-gitlab', () => {
  let t: Team;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    t = await startTeamSim();
    rx = await startReceiver();
  });
  afterAll(async () => {
    await t.sim.close();
    await rx.close();
  });

  it('gitbeaker: sudo, member filters, a README project, commits and tree, subgroups, label edits, hook tests', async () => {
    const root = new Gitlab({ host: t.sim.url, token: t.sim.rootToken });
    expect((await root.Users.showCurrentUser({ sudo: 'dev' })).username).toBe('dev');
    const asDev = await root.Issues.create(t.projectId, 'by sudo', { sudo: 'dev' });
    expect((asDev.author as Json).username).toBe('dev');

    const ids = [t.seeded.users.mia!.id, t.seeded.users.gus!.id];
    expect((await root.ProjectMembers.all(t.projectId, { userIds: ids } as never)).map((m) => m.username).sort()).toEqual(['gus', 'mia']);
    expect((await root.ProjectMembers.all(t.projectId, { query: 'rit' } as never)).map((m) => m.username)).toEqual(['rita']);

    const group = await root.Groups.create('Beak', 'beak');
    await root.Groups.create('Sub', 'sub', { parentId: group.id });
    const project = await root.Projects.create({ name: 'beak-readme', namespaceId: group.id, initializeWithReadme: true });
    expect((await root.Repositories.allRepositoryTrees(project.id)).map((e) => e.name)).toEqual(['README.md']);
    expect((await root.Commits.all(project.id)).map((c) => c.title)).toEqual(['Initial commit']);
    expect((await root.Groups.allSubgroups(group.id)).map((g) => g.full_path)).toEqual(['beak/sub']);
    expect((await root.Groups.allDescendantGroups(group.id, {})).map((g) => g.full_path)).toEqual(['beak/sub']);

    const label = await root.ProjectLabels.create(project.id, 'beak-label', '#123456');
    expect((await root.ProjectLabels.edit(project.id, label.id, { newName: 'beak-label-2' })).name).toBe('beak-label-2');

    const hook = await root.ProjectHooks.add(project.id, rx.url);
    const issue = await root.Issues.create(project.id, 'hook test issue');
    await root.IssueNotes.create(project.id, issue.iid, 'hook test note');
    for (const trigger of ['issues_events', 'note_events']) await root.requester.post(`projects/${project.id}/hooks/${hook.id}/test/${trigger}`, {});
    await t.sim.idle();
    expect(rx.got.slice(-2).map((r) => r.headers['x-gitlab-event'])).toEqual(['Issue Hook', 'Note Hook']);
    await root.Projects.remove(project.id);
    expect(await root.Projects.show(project.id).then(() => 200, (e: { cause?: { response?: { status: number } } }) => e.cause?.response?.status)).toBe(404);
  });

  it('python-gitlab: sudo, member filters, label save by name, multipart user, README project, commits, subgroups, hook tests, delete', async () => {
    const script = String.raw`
import io, json, os, gitlab
url, pid = os.environ["SIM_URL"], int(os.environ["PROJECT_ID"])
gl = gitlab.Gitlab(url, private_token=os.environ["ROOT_TOKEN"])
out = {}
out["sudo"] = gl.http_get("/user", sudo="dev")["username"]
try:
    gl.http_get("/user", sudo="nobody")
except gitlab.exceptions.GitlabHttpError as e:
    out["sudo_unknown"] = e.response_code
project = gl.projects.get(pid)
ids = [int(os.environ["MIA"]), int(os.environ["GUS"])]
out["user_ids"] = sorted(m.username for m in project.members_all.list(user_ids=ids, get_all=True))
label = project.labels.create({"name": "py-edit", "color": "#101010"})
label.new_name = "py-edit-2"
label.save()
out["label"] = sorted(l.name for l in project.labels.list(get_all=True) if l.name.startswith("py-edit"))
made = gl.users.create({"username": "pyavatar", "name": "Py Avatar", "email": "pya@example.com", "password": "secret-pass-123",
                        "avatar": io.BytesIO(b"not really a png")})
out["multipart_user"] = made.username
group = gl.groups.create({"name": "Py Top", "path": "pytop"})
gl.groups.create({"name": "Py Sub", "path": "pysub", "parent_id": group.id})
out["subgroups"] = [g.full_path for g in group.subgroups.list()]
out["descendants"] = [g.full_path for g in group.descendant_groups.list()]
readme = gl.projects.create({"name": "py-readme", "namespace_id": group.id, "initialize_with_readme": True})
out["readme"] = readme.files.get(file_path="README.md", ref="main").decode().decode().splitlines()[0]
out["commits"] = [c.title for c in readme.commits.list()]
out["tree"] = [e["name"] for e in readme.repository_tree()]
hook = readme.hooks.create({"url": os.environ["HOOK_URL"]})
issue = readme.issues.create({"title": "py hook test"})
issue.notes.create({"body": "py note"})
for trigger in ["issues_events", "note_events"]:
    gl.http_post("/projects/%d/hooks/%d/test/%s" % (readme.id, hook.id, trigger))
gl.projects.delete(readme.id)
try:
    gl.projects.get(readme.id)
except gitlab.exceptions.GitlabGetError as e:
    out["deleted"] = e.response_code
print(json.dumps(out))
`;
    rx.got.length = 0;
    const env = {
      ...process.env, SIM_URL: t.sim.url, ROOT_TOKEN: t.sim.rootToken, PROJECT_ID: String(t.projectId), HOOK_URL: rx.url,
      MIA: String(t.seeded.users.mia!.id), GUS: String(t.seeded.users.gus!.id),
    };
    const { stdout } = await run(PYTHON, ['-c', script], { env, timeout: 30_000 }).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`python-gitlab parity script failed: ${err.stderr ?? err.message}`);
    });
    expect(JSON.parse(stdout.trim())).toEqual({
      sudo: 'dev',
      sudo_unknown: 404,
      user_ids: ['gus', 'mia'],
      label: ['py-edit-2'],
      multipart_user: 'pyavatar',
      subgroups: ['pytop/pysub'],
      descendants: ['pytop/pysub'],
      readme: '# py-readme',
      commits: ['Initial commit'],
      tree: ['README.md'],
      deleted: 404,
    });
    await t.sim.idle();
    expect(rx.got.map((r) => r.headers['x-gitlab-event'])).toEqual(['Issue Hook', 'Note Hook']);
    expect(t.sim.requests().byRoute['PUT /projects/:id/labels']).toBe(1);
  }, 40_000);
});
