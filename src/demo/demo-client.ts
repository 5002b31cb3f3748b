/**
 * A demo person using GitLab's REST API, as they would with any GitLab client: plain HTTP with their
 * own token. Demo seeding and `trellis tour` act through it, so what they do reaches Trellis the way
 * people's work does: as webhooks.
 */

/** The fields of an issue the demo looks at. */
export interface DemoIssue {
  readonly iid: number;
  readonly project_id: number;
  readonly title: string;
  readonly description: string | null;
  readonly state: 'opened' | 'closed';
  readonly labels: string[];
  readonly web_url: string;
}

export interface DemoUser {
  readonly username: string;
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** A GET whose answer is text, not JSON (a raw file). */
  text(path: string): Promise<string>;
}

/** The token of a demo person in the simulator (start-demo.ts gives each one). */
export function demoToken(username: string): string {
  return `demo-${username}-token`;
}

/** `username` acting on the GitLab at `gitlabUrl` with their demo token. */
export function demoUser(gitlabUrl: string, username: string, token = demoToken(username)): DemoUser {
  const call = async (method: string, path: string, body?: unknown): Promise<string> => {
    const res = await fetch(`${gitlabUrl}/api/v4${path}`, {
      method,
      headers: { 'private-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${username}: ${method} ${path} answered ${res.status} ${text.slice(0, 200)}`);
    return text;
  };
  return {
    username,
    async api<T>(method: string, path: string, body?: unknown): Promise<T> {
      const text = await call(method, path, body);
      return (text === '' ? null : JSON.parse(text)) as T;
    },
    text: (path) => call('GET', path),
  };
}

/** The project path or id as it goes in a URL. */
export function projectRef(project: string | number): string {
  return encodeURIComponent(String(project));
}

/** An issue with exactly this title, any state, or null. */
export async function issueTitled(user: DemoUser, project: string | number, title: string): Promise<DemoIssue | null> {
  const found = await user.api<DemoIssue[]>('GET', `/projects/${projectRef(project)}/issues?state=all&per_page=100&search=${encodeURIComponent(title)}&in=title`);
  return found.find((i) => i.title === title) ?? null;
}

/** The issue as it is now. */
export async function reload(user: DemoUser, issue: Pick<DemoIssue, 'project_id' | 'iid'>): Promise<DemoIssue> {
  return user.api<DemoIssue>('GET', `/projects/${issue.project_id}/issues/${issue.iid}`);
}

/** The raw text of a file on the project's default branch (how GitLab offers an issue template). */
export async function rawFile(user: DemoUser, project: string | number, path: string): Promise<string> {
  return user.text(`/projects/${projectRef(project)}/repository/files/${encodeURIComponent(path)}/raw?ref=main`);
}

/** The label of a scoped label family on an issue (`sre-i::review`), if any. */
export function scoped(issue: DemoIssue, scope: string): string | undefined {
  return issue.labels.find((l) => l.startsWith(`${scope}::`));
}

/**
 * Polls `probe` until it returns something truthy; throws naming `what` after `timeoutMs`. Trellis
 * answers a webhook within a second or two; the timeout is for a Trellis that is not answering.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`waited ${Math.round(timeoutMs / 1000)} s for ${what}, and it did not happen`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Ticks the next `n` unticked required items (not marked optional) of a checklist, after `from` when given. */
export function tickItems(description: string, n: number, from?: string): string {
  let left = n;
  let started = from === undefined;
  return description
    .split('\n')
    .map((line) => {
      if (!started) {
        started = line.startsWith(from!);
        return line;
      }
      if (left > 0 && /^\s*- \[ \] /.test(line) && !/\(optional\)/i.test(line)) {
        left -= 1;
        return line.replace('- [ ]', '- [x]');
      }
      return line;
    })
    .join('\n');
}
