import { hash, timingSafeEqual } from 'node:crypto';

/**
 * A check of `X-Gitlab-Token` against the configured secrets, in constant time: the token is hashed
 * to the secrets' digest length first, and every secret is compared (no early exit), so timing
 * reveals neither a secret nor which one matched. Several secrets allow rotation without downtime.
 * The secrets' digests are computed once, here, not per request.
 */
export function tokenVerifier(secrets: readonly string[]): (given: string | undefined) => boolean {
  const digests = secrets.map(digest);
  return (given) => {
    if (given === undefined || digests.length === 0) return false;
    const a = digest(given);
    let ok = false;
    for (const b of digests) ok = timingSafeEqual(a, b) || ok;
    return ok;
  };
}

/** One-shot `crypto.hash` (Node 20.12+): no Hash object per request, which this runs once per webhook. */
function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}
