import { createRequire } from 'node:module';
import pino from 'pino';
import type { Logger } from 'pino';
import { REDACT } from './http/build-server.js';

/** JSON logs (pino) with secrets redacted; pretty when a person watches a terminal outside production. */
export function createLogger(level: string, opts: { production: boolean; pretty?: boolean }): Logger {
  const pretty = opts.pretty ?? (!opts.production && process.stdout.isTTY && canResolve('pino-pretty'));
  return pino({
    level,
    redact: { paths: [...REDACT, '*.token', '*.password', '*.secret', 'config.gitlab.token'], censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  });
}

function canResolve(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
