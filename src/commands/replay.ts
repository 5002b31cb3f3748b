import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { eventHeaderFor } from '../events/normalize.js';

/** Posts a payload file to Trellis as GitLab would deliver it; returns the exit code (0 for a 2xx answer). */
export async function replayCommand(o: { file: string; url: string; secret?: string; event?: string; idempotencyKey?: string; print: (line: string) => void }): Promise<number> {
  const text = await readFile(o.file, 'utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    o.print(`${o.file} is not JSON: ${(err as Error).message}`);
    return 2;
  }
  const event = o.event ?? eventHeaderFor(body);
  if (!event) {
    o.print(`cannot tell the event kind of ${o.file}: pass --event "Issue Hook" (or Note Hook, Push Hook, ...)`);
    return 2;
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitLab/17.6.0 (trellis replay)',
    'x-gitlab-event': event,
    'x-gitlab-event-uuid': randomUUID(),
    'x-gitlab-webhook-uuid': randomUUID(),
    'idempotency-key': o.idempotencyKey ?? randomUUID(),
  };
  if (o.secret) headers['x-gitlab-token'] = o.secret;
  const res = await fetch(o.url, { method: 'POST', headers, body: text, signal: AbortSignal.timeout(10_000) });
  o.print(`${res.status} ${res.statusText} ${await res.text()}`);
  return res.ok ? 0 : 1;
}
