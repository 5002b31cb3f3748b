import type { Config } from '../config.js';
import type { Log } from '../core/log.js';
import { formatRosterErrors } from '../core/parse-roster.js';
import { ladderText, rolesByLadder } from '../core/roles-ladder-view.js';
import { createLocalGateway } from '../main.js';
import { parseConfig, readGitLabConfig, readLocalConfig } from '../roster/roster-store.js';

/** What `trellis roles` needs besides the configuration. */
export interface RolesCommandOptions {
  readonly role?: string;
  readonly print: (line: string) => void;
}

/**
 * `trellis roles [role]`: the roles of the department (the roster and `.trellis/roles.yml` over the
 * built-in ones) with their levels, or one role's ladder with each level's responsibilities,
 * requirements and nice-to-haves. Reads the local roster (TRELLIS_ROSTER_FILE) or GitLab's; writes nothing.
 */
export async function rolesCommand(config: Config, log: Log, opts: RolesCommandOptions): Promise<number> {
  const texts = config.rosterFile ? await readLocalConfig(config.rosterFile) : config.gitlab ? await readGitLabConfig(createLocalGateway(config, config.gitlab, log)) : null;
  if (!texts) {
    opts.print('no roster: set TRELLIS_ROSTER_FILE, or GITLAB_URL, GITLAB_TOKEN and GITLAB_PROJECT with .trellis/roster.yml on the default branch');
    return 1;
  }
  const parsed = parseConfig(texts);
  if (!parsed.ok) {
    opts.print(formatRosterErrors(parsed.errors));
    return 1;
  }
  const roles = parsed.roster.roles;
  if (opts.role !== undefined) {
    const role = Object.hasOwn(roles, opts.role) ? roles[opts.role] : undefined;
    if (!role) {
      opts.print(`unknown role ${JSON.stringify(opts.role)} (roles: ${Object.keys(roles).sort().join(', ')})`);
      return 1;
    }
    opts.print(ladderText(opts.role, role));
    return 0;
  }
  const { ladders, flat } = rolesByLadder(roles);
  for (const ladder of ladders) {
    opts.print(`${ladder.levels.map((l) => `${l.title} (${l.level})`).join(' -> ')}`);
    opts.print(`  roles: ${ladder.roles.map((r) => r.key).join(', ')}`);
  }
  for (const role of flat) opts.print(`${role.title}: no levels\n  roles: ${role.key}`);
  opts.print('`trellis roles <role>` prints one ladder with each level\'s responsibilities, requirements and nice-to-haves.');
  return 0;
}
