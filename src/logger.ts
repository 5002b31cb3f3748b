import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { REDACT } from './http/build-server.js';

export type LogFormat = 'json' | 'pretty';

/**
 * pino with secrets redacted: JSON lines, or one readable line per event (`LOG_FORMAT=pretty`, the
 * default when stdout is a terminal). The pretty form needs no extra package, so it also works in the
 * Docker image, which installs production dependencies only.
 */
export function createLogger(level: string, opts: { format?: LogFormat | undefined; out?: NodeJS.WritableStream & { isTTY?: boolean } } = {}): Logger {
  const out = opts.out ?? process.stdout;
  const format = opts.format ?? (out.isTTY === true ? 'pretty' : 'json');
  const options = { level, redact: { paths: [...REDACT, '*.token', '*.password', '*.secret', 'config.gitlab.token'], censor: '[redacted]' } };
  if (format === 'json') return opts.out ? pino(options, opts.out as DestinationStream) : pino(options);
  const pretty = prettyFormatter(out.isTTY === true);
  return pino(options, {
    write(line: string) {
      const text = pretty(line);
      if (text) out.write(text);
    },
  });
}

const LEVELS: Record<number, { name: string; color: number }> = {
  10: { name: 'TRACE', color: 90 },
  20: { name: 'DEBUG', color: 36 },
  30: { name: 'INFO ', color: 32 },
  40: { name: 'WARN ', color: 33 },
  50: { name: 'ERROR', color: 31 },
  60: { name: 'FATAL', color: 35 },
};
/** Fields every line has, or that say nothing to a person watching. */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'v']);
const MAX_VALUE = 120;

/**
 * Turns JSON log lines into `12:01:02.345 INFO  message key=value ...`. A request is one line,
 * `request POST /webhooks/gitlab 202 2ms`: Fastify's "incoming request" is held until its "request
 * completed" (by request id). Anything that is not JSON passes through unchanged.
 */
export function prettyFormatter(color = false): (line: string) => string {
  const pending = new Map<string, string>();
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return (line) => {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return line;
    }
    const reqId = typeof event.reqId === 'string' ? event.reqId : undefined;
    if (reqId && event.msg === 'incoming request' && isRecord(event.req)) {
      // Bounded: a request that never completes (a dropped connection) is not kept for ever.
      if (pending.size > 1000) pending.clear();
      pending.set(reqId, `${String(event.req.method)} ${String(event.req.url)}`);
      if (Number(event.level) <= 30) return '';
    }
    let message = typeof event.msg === 'string' ? event.msg : '';
    if (reqId && message === 'request completed') {
      message = `request ${pending.get(reqId) ?? ''}`.trimEnd();
      pending.delete(reqId);
    }
    const level = LEVELS[Number(event.level)] ?? { name: String(event.level).padEnd(5), color: 0 };
    const time = typeof event.time === 'number' ? clock(new Date(event.time)) : '';
    const fields = Object.entries(event)
      .filter(([k, v]) => !HIDDEN.has(k) && v !== undefined)
      .map(([k, v]) => field(k, v))
      .filter((f) => f !== '');
    return `${paint(90, time)} ${paint(level.color, level.name)} ${message}${fields.length ? ` ${paint(90, fields.join(' '))}` : ''}\n`;
  };
}

function field(key: string, value: unknown): string {
  if (key === 'req' && isRecord(value)) return `${String(value.method)} ${String(value.url)}`;
  if (key === 'res' && isRecord(value)) return String(value.statusCode);
  if (key === 'responseTime' && typeof value === 'number') return `${Math.round(value)}ms`;
  if (key === 'err' && isRecord(value)) return `err=${short(String(value.message ?? value.type ?? 'error'))}`;
  return `${key}=${short(typeof value === 'string' ? value : JSON.stringify(value))}`;
}

function short(text: string): string {
  const one = text.replace(/\s*\n\s*/g, ' ');
  const quoted = /\s/.test(one) ? JSON.stringify(one) : one;
  return quoted.length > MAX_VALUE ? `${quoted.slice(0, MAX_VALUE - 1)}…` : quoted;
}

function clock(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
