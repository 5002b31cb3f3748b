import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when `given` equals one of `secrets`, compared in constant time: both sides are hashed to the
 * same length first, and every secret is compared (no early exit), so timing reveals neither the
 * secret nor which one matched. Several secrets allow rotation without downtime.
 */
export function verifyToken(given: string | undefined, secrets: readonly string[]): boolean {
  if (given === undefined || secrets.length === 0) return false;
  const a = createHash('sha256').update(given).digest();
  let ok = false;
  for (const secret of secrets) {
    const b = createHash('sha256').update(secret).digest();
    ok = timingSafeEqual(a, b) || ok;
  }
  return ok;
}
