/** The URL scheme of a Redis Cluster in REDIS_URL (`rediss+cluster://` for TLS). */
const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\//i;

/** Where a REDIS_URL points: one Redis (its URL as ioredis reads it) or the seed nodes of a cluster. */
export type RedisTarget =
  | { readonly cluster: false; readonly url: string }
  | {
      readonly cluster: true;
      readonly nodes: ReadonlyArray<{ readonly host: string; readonly port: number }>;
      readonly username?: string;
      readonly password?: string;
      readonly tls: boolean;
    };

/**
 * Reads REDIS_URL. `redis://[user:password@]host:port[/db]` is one Redis; `redis+cluster://[user:password@]host:port[,host:port...]`
 * is a Redis Cluster reached through any of the nodes listed (the others are discovered), with the
 * same credentials on every node. Throws on a cluster URL without a usable node.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const scheme = CLUSTER_SCHEME.exec(url);
  if (!scheme) return { cluster: false, url };
  const rest = url.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  const auth = at >= 0 ? rest.slice(0, at) : '';
  // A path (a database number) means nothing to a cluster, which has only database 0.
  const hosts = (at >= 0 ? rest.slice(at + 1) : rest).split(/[/?#]/)[0] ?? '';
  const nodes = hosts
    .split(',')
    .filter(Boolean)
    .map((hostPort) => {
      const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort);
      if (!m) throw new Error(`REDIS_URL: "${hostPort}" is not host:port`);
      return { host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] ? Number(m[2]) : 6379 };
    });
  if (nodes.length === 0) throw new Error('REDIS_URL: a redis+cluster:// URL names at least one host:port');
  const colon = auth.indexOf(':');
  const username = decodeURIComponent(colon >= 0 ? auth.slice(0, colon) : '');
  const password = decodeURIComponent(colon >= 0 ? auth.slice(colon + 1) : auth);
  return { cluster: true, nodes, ...(username ? { username } : {}), ...(password ? { password } : {}), tls: scheme[1]!.toLowerCase() === 'rediss' };
}
