import { formatRosterErrors } from '../core/parse-roster.js';
import { parseConfig, readLocalConfig } from '../roster/roster-store.js';
import type { ConfigTexts } from '../roster/roster-store.js';

/** Checks a roster file, and a `roles.yml` beside it when there is one; prints a summary or every problem. Returns the exit code. */
export async function validateRosterCommand(file: string, out: (l: string) => void, err: (l: string) => void): Promise<number> {
  let texts: ConfigTexts;
  try {
    texts = await readLocalConfig(file);
  } catch (e) {
    err(`cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  const result = parseConfig(texts);
  if (!result.ok) {
    err(formatRosterErrors(result.errors));
    err(`${file}: ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}`);
    return 1;
  }
  const r = result.roster;
  out(`${file}: valid — ${r.people.length} people, ${r.teams.length} teams, ${Object.keys(r.roles).length} roles${texts.roles ? ` (with ${texts.roles.source})` : ''}, fiscal year starts in month ${r.fiscalYearStartMonth}, schedules in ${r.timezone}`);
  return 0;
}
