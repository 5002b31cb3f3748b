import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import { parseRedisUrl } from './redis-url.js';

/** A connection to one Redis or to a Redis Cluster: the commands Trellis uses are the same on both. */
export type RedisClient = Redis | Cluster;

/** Connection options that belong to the cluster client rather than to each node's connection. */
const CLUSTER_LEVEL = ['enableOfflineQueue', 'lazyConnect', 'enableReadyCheck'] as const;

/**
 * A client for REDIS_URL: `new Redis(url, options)` for one Redis, an ioredis Cluster for a
 * `redis+cluster://` URL, with `options` applied to each node's connection (and the offline queue,
 * lazy connect and ready check to the cluster client). Every key Trellis writes carries the queue
 * prefix's hash tag (`{trellis}`), so each script and transaction touches one slot, as a cluster requires.
 */
export function connectRedis(url: string, options: RedisOptions = {}): RedisClient {
  const target = parseRedisUrl(url);
  if (!target.cluster) return new Redis(url, options);
  const redisOptions: RedisOptions = { ...options };
  const clusterOptions: ClusterOptions = {};
  for (const key of CLUSTER_LEVEL) {
    if (options[key] !== undefined) {
      clusterOptions[key] = options[key];
      delete redisOptions[key];
    }
  }
  if (target.username) redisOptions.username = target.username;
  if (target.password) redisOptions.password = target.password;
  if (target.tls) redisOptions.tls = {};
  return new Cluster(
    target.nodes.map((n) => ({ host: n.host, port: n.port })),
    { ...clusterOptions, redisOptions, ...(target.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}) },
  );
}

/** The connections to run a per-node command on: every master of a cluster, or the one Redis. */
export function masterNodes(redis: RedisClient): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}
