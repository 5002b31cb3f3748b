import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A payload from webhooks/ as text and parsed. */
export function fixture(name: string): { text: string; json: Record<string, unknown> } {
  const text = readFileSync(path.join(REPO_ROOT, 'webhooks', name), 'utf8');
  return { text, json: JSON.parse(text) as Record<string, unknown> };
}
