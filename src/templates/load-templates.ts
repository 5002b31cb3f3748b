import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** issue_templates/ at the package root (the same from src/ under tsx and from dist/ when built). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../issue_templates/', import.meta.url));

/** Every `*.md` template of a folder, by name without `.md`. */
export async function loadTemplates(dir: string = TEMPLATES_DIR): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return out;
  }
  for (const name of names.filter((n) => n.endsWith('.md')).sort()) {
    out[name.slice(0, -3)] = await readFile(path.join(dir, name), 'utf8');
  }
  return out;
}
