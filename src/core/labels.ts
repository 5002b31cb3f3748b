/** The scope of a scoped label: everything before the last `::` (GitLab's rule), or null. */
export function labelScope(label: string): string | null {
  const at = label.lastIndexOf('::');
  return at > 0 ? label.slice(0, at) : null;
}

/**
 * The labels an issue should have after adding `add` and removing `remove`. Adding a scoped label
 * removes every other label of its scope, which Trellis does itself so GitLab Free behaves like Premium.
 */
export function labelsAfter(current: readonly string[], add: readonly string[], remove: readonly string[]): { changed: boolean; labels: string[]; added: string[]; removed: string[] } {
  const have = new Set(current);
  const drop = new Set(remove);
  const addScopes = new Set(add.map(labelScope).filter((s): s is string => s !== null));
  for (const label of current) {
    const scope = labelScope(label);
    if (scope !== null && addScopes.has(scope) && !add.includes(label)) drop.add(label);
  }
  for (const label of add) drop.delete(label);
  const added = add.filter((l, i) => !have.has(l) && add.indexOf(l) === i);
  const removed = [...drop].filter((l) => have.has(l));
  const labels = [...current.filter((l) => !drop.has(l)), ...added];
  return { changed: added.length > 0 || removed.length > 0, labels, added, removed };
}

/** The value of the label in `scope` among `labels` (`sre-i::review` -> `review`), or null. */
export function scopedValue(labels: readonly string[], scope: string): string | null {
  const found = labels.filter((l) => labelScope(l) === scope);
  const last = found[found.length - 1];
  return last ? last.slice(scope.length + 2) : null;
}
