import { readFile } from 'node:fs/promises';
import { formatRosterErrors, parseRoster } from '../core/parse-roster.js';

/** Checks a roster file; prints a summary or every problem. Returns the exit code. */
export async function validateRosterCommand(file: string, out: (l: string) => void, err: (l: string) => void): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    err(`cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  const result = parseRoster(text, file);
  if (!result.ok) {
    err(formatRosterErrors(result.errors));
    err(`${file}: ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}`);
    return 1;
  }
  const r = result.roster;
  out(`${file}: valid — ${r.people.length} people, ${r.teams.length} teams, ${Object.keys(r.roles).length} roles, fiscal year starts in month ${r.fiscalYearStartMonth}, schedules in ${r.timezone}`);
  return 0;
}
