import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { formatPath, nodeOffset } from './yaml-location.js';
import { readPlainYaml } from './yaml-plain-read.js';
import type { Path } from './yaml-location.js';

/**
 * Reading a Trellis YAML file (the roster, the roles) for validation: syntax first, then the data,
 * with every later problem placed at the line and column of the node it is about.
 */

/** One problem in a file. `line`/`column` are 1-based, null when no place in the file fits. */
export type FileError = { file: string; line: number | null; column: number | null; path: string; message: string };

/** A problem found in the data, by its path; `onKey` places it on the key rather than the value. */
export type Located = { path: Path; message: string; onKey?: boolean };

/** A file read as YAML: its data and how to place problems in it, or its syntax errors. */
export type YamlRead =
  | { readonly ok: true; readonly data: unknown; place(found: readonly Located[]): FileError[] }
  | { readonly ok: false; readonly errors: FileError[] };

/**
 * Parses `text`; `what` names the file in messages ("a roster", "a roles file"). Plain files are
 * read without the `yaml` Document (yaml-plain-read.ts), which is built only to place problems.
 */
export function readYaml(text: string, file: string, what: string): YamlRead {
  const plain = readPlainYaml(text);
  if (plain) {
    let placer: ((found: readonly Located[]) => FileError[]) | undefined;
    const place = (found: readonly Located[]): FileError[] => {
      placer ??= placeIn(readDocument(text), file, what);
      return placer(found);
    };
    return { ok: true, data: plain.data, place };
  }
  const read = readDocument(text);
  const { doc, at } = read;
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => ({ file, ...at(e.pos[0]), path: '', message: e.code === 'MULTIPLE_DOCS' ? `${what} is a single YAML document (remove the extra ---)` : e.message }));
    return { ok: false, errors };
  }
  const place = placeIn(read, file, what);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, errors: place([{ path: [], message: `cannot read the YAML: ${err instanceof Error ? err.message : String(err)}` }]) };
  }
  return { ok: true, data, place };
}

type At = (offset: number) => Pick<FileError, 'line' | 'column'>;

function readDocument(text: string): { doc: Document; at: At } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at: At = (offset) => {
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return { doc, at };
}

function placeIn({ doc, at }: { doc: Document; at: At }, file: string, what: string): (found: readonly Located[]) => FileError[] {
  return (found) => sortErrors(found.map((f) => locate(doc, f, file, at, what)));
}

function locate(doc: Document, found: Located, file: string, at: At, what: string): FileError {
  const path = formatPath(found.path);
  const range = nodeOffset(doc, found.path, found.onKey ?? false);
  const message = found.path.length === 0 && found.message.startsWith('must') ? `${what.replace(/^an? /, 'the ')} ${found.message}` : found.message;
  return { file, ...(range === null ? { line: null, column: null } : at(range)), path, message };
}

function sortErrors(errors: FileError[]): FileError[] {
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.line ?? 0) - (b.e.line ?? 0) || (a.e.column ?? 0) - (b.e.column ?? 0) || a.i - b.i)
    .map(({ e }) => e);
}
