import { isMap, isScalar, isSeq } from 'yaml';
import type { Document } from 'yaml';

/**
 * Finding where a value sits in a YAML file, so a validation error can name its line and column,
 * and writing its path the way a reader of the file would (`people[2].manager`).
 */

/** Keys and list indexes from the document root. */
export type Path = ReadonlyArray<string | number>;

/**
 * Start offset of the node at `path`, or of its nearest ancestor present in the file (a missing
 * field is reported where its mapping starts). With `onKey`, the key of the last step rather than its value.
 */
export function nodeOffset(doc: Document, path: Path, onKey: boolean): number | null {
  let node: unknown = doc.contents;
  let start = rangeStart(node);
  for (const [n, part] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) break;
      // An empty value (`manager:`) has no place of its own, and a mapping or list starts at its
      // first entry: the key is where a reader looks for both.
      const value: unknown = pair.value;
      const onPairKey = (onKey && n === path.length - 1) || isMap(value) || isSeq(value) || rangeStart(value) === null;
      start = rangeStart(onPairKey ? pair.key : value) ?? start;
      node = value;
    } else if (isSeq(node) && typeof part === 'number' && node.items[part] !== undefined) {
      node = node.items[part];
      start = rangeStart(node) ?? start;
    } else {
      break;
    }
  }
  return start;
}

function rangeStart(node: unknown): number | null {
  if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
    const start: unknown = node.range[0];
    return typeof start === 'number' ? start : null;
  }
  return null;
}

/** `people[2].manager`, `roles.site-reliability-engineer.title`, `roles["a b"]`. */
export function formatPath(path: Path): string {
  return path
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      if (/^[A-Za-z0-9_-]+$/.test(part)) return i === 0 ? part : `.${part}`;
      return `[${JSON.stringify(part)}]`;
    })
    .join('');
}
