/**
 * Where private career records live (docs/privacy.md): one private project per person,
 * `<records group>/<username>`, whose only members are the person and their current manager; the
 * roster's record readers are members of the records group and so of every project in it.
 * GitLab shows a confidential issue to every Planner/Reporter and above of its project, so privacy
 * cannot come from the `confidential` flag in a shared project; it comes from who is a member where.
 */
export interface RecordsLayout {
  /** Full path of the records group, e.g. `infra/career-records`. */
  readonly group: string;
  /** Full path of a person's records project: `infra/career-records/alice`. */
  projectOf(username: string): string;
  /** The person whose records project `path` (a project's full path) is, or null for any other project. */
  ownerOfProject(path: string): string | null;
  /** The person whose records project holds the issue at `webUrl`, or null when it is elsewhere. */
  ownerOfIssue(webUrl: string): string | null;
}

/** The layout for a records group (full path, without slashes at either end). */
export function recordsLayout(group: string): RecordsLayout {
  const prefix = `${group.replace(/^\/+|\/+$/g, '')}/`;
  const lower = prefix.toLowerCase();
  return {
    group: prefix.slice(0, -1),
    // GitLab usernames and project paths share their alphabet (letters, digits, `_`, `-`, `.`) and
    // are matched without case, so a username is a valid project path as it is.
    projectOf: (username) => `${prefix}${username.toLowerCase()}`,
    ownerOfProject(path) {
      if (!path.toLowerCase().startsWith(lower)) return null;
      const rest = path.slice(lower.length);
      return rest !== '' && !rest.includes('/') ? rest.toLowerCase() : null;
    },
    ownerOfIssue(webUrl) {
      let pathname: string;
      try {
        pathname = decodeURIComponent(new URL(webUrl).pathname);
      } catch {
        return null;
      }
      // `https://host[/relative-root]/<group>/<user>/-/issues/<iid>`
      const at = pathname.toLowerCase().indexOf(`/${lower}`);
      if (at < 0) return null;
      const match = /^([^/]+)\/-\/(?:issues|work_items)\/\d+$/.exec(pathname.slice(at + 1 + lower.length));
      return match?.[1] ? match[1].toLowerCase() : null;
    },
  };
}

/** The default records group: a subgroup `career-records` beside the department project. */
export function defaultRecordsGroup(departmentProject: string): string | null {
  const slash = departmentProject.lastIndexOf('/');
  return slash > 0 ? `${departmentProject.slice(0, slash)}/career-records` : null;
}
