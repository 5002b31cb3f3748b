import type { RedisClient } from './connect-redis.js';
import type { RecordCache } from '../core/state-ports.js';

const TTL_SECONDS = 90 * 24 * 3600;
// Stored as "<epoch ms> <fingerprint>"; see RecordCache.observeIssue for why equal times compare fingerprints.
const OBSERVE = `local cur = redis.call('get', KEYS[1])
local at = tonumber(ARGV[1])
if cur then
  local sp = string.find(cur, ' ', 1, true)
  local seen, fp
  if sp then
    seen = tonumber(string.sub(cur, 1, sp - 1))
    fp = string.sub(cur, sp + 1)
  else
    seen = tonumber(cur) or -1
    fp = ''
  end
  if seen > at or (seen == at and fp ~= ARGV[3]) then return 0 end
end
redis.call('set', KEYS[1], ARGV[1] .. ' ' .. ARGV[3], 'EX', ARGV[2])
return 1`;

/** The Redis key of a piece of state the record cache keeps (`getState`/`setState`). */
export function stateKey(prefix: string, name: string): string {
  return `${prefix}:state:${name}`;
}

/** The record cache in Redis: marker -> iid and note id + body hash, kept 90 days, rebuilt from GitLab on a miss. */
export function createRedisCache(redis: RedisClient, prefix: string): RecordCache {
  const issueKey = (project: string, id: string) => `${prefix}:issue:${project}:${id}`;
  const noteKey = (project: string, iid: number, id: string) => `${prefix}:note:${project}:${iid}:${id}`;
  return {
    async getState(key) {
      return redis.get(stateKey(prefix, key));
    },
    async setState(key, value) {
      await redis.set(stateKey(prefix, key), value, 'EX', TTL_SECONDS);
    },
    async claim(key, ttlSeconds) {
      return (await redis.set(`${prefix}:claim:${key}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
    },
    async setClaim(key, ttlSeconds) {
      if (ttlSeconds > 0) await redis.set(`${prefix}:claim:${key}`, '1', 'EX', ttlSeconds);
      else await redis.del(`${prefix}:claim:${key}`);
    },
    async observeIssue(project, iid, updatedAt, fingerprint = '') {
      const at = Date.parse(updatedAt);
      if (Number.isNaN(at)) return 'newest';
      const newest = await redis.eval(OBSERVE, 1, `${prefix}:seen:${project}:${iid}`, String(at), String(7 * 24 * 3600), fingerprint);
      return newest === 1 ? 'newest' : 'stale';
    },
    async issueFor(project, id) {
      const v = await redis.get(issueKey(project, id));
      return v === null ? null : Number(v);
    },
    async rememberIssue(project, id, iid) {
      await redis.set(issueKey(project, id), String(iid), 'EX', TTL_SECONDS);
    },
    async forgetIssue(project, id) {
      await redis.del(issueKey(project, id));
    },
    async noteFor(project, iid, id) {
      const v = await redis.get(noteKey(project, iid, id));
      if (v === null) return null;
      const [noteId, hash] = v.split(' ');
      return noteId && hash ? { noteId: Number(noteId), hash } : null;
    },
    async rememberNote(project, iid, id, memo) {
      await redis.set(noteKey(project, iid, id), `${memo.noteId} ${memo.hash}`, 'EX', TTL_SECONDS);
    },
    async forgetNote(project, iid, id) {
      await redis.del(noteKey(project, iid, id));
    },
  };
}
