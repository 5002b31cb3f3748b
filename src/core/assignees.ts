/**
 * Whether an issue's assignees are what a plan wants. GitLab Free keeps one assignee per issue, the
 * first asked for (IssuableBaseService#filter_assignees_using_checks keeps `first(1)` unless
 * `allows_multiple_assignees?`, a Premium feature; docs/gitlab/permissions.md): holding exactly that
 * first one counts as done there, or every reconcile would ask again for what Free never keeps.
 */
export function sameAssignees(have: readonly string[], want: readonly string[]): boolean {
  const h = have.map((u) => u.toLowerCase());
  const w = want.map((u) => u.toLowerCase());
  if (h.length === 1 && w.length > 1 && h[0] === w[0]) return true;
  return [...h].sort().join(',') === [...w].sort().join(',');
}
