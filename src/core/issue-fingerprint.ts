import { createHash } from 'node:crypto';
import type { Issue } from './gitlab-port.js';

/**
 * A short hash of what workflows read from an issue, to tell two versions with the same timestamp
 * apart. Assignees are left out: note payloads do not carry them, and a note and an issue event about
 * the same version must agree.
 */
export function issueFingerprint(issue: Issue): string {
  const parts = [issue.state, issue.title, [...issue.labels].sort().join(','), issue.description];
  return createHash('sha1').update(parts.join('\u0000')).digest('base64url').slice(0, 16);
}
