import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The webhook delivery a piece of work is handling, carried implicitly through async calls so the
 * gateway can forward `X-Gitlab-Event-UUID` on every API call made for it. GitLab then skips hooks
 * that already fired in that chain (docs/gitlab/facts.md#recursion-detection) and Trellis does not hear its
 * own edits back as new events.
 */
interface RequestContext {
  readonly eventUuid: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `uuid` as the current GitLab event UUID (for the job handling that delivery). */
export function runWithEventUuid<T>(uuid: string | undefined, fn: () => T): T {
  // No UUID (older GitLab, scheduled jobs): run outside any context rather than inherit an outer one.
  if (!uuid) return storage.exit(fn);
  return storage.run({ eventUuid: uuid }, fn);
}

/** The event UUID of the delivery being handled, if any. */
export function currentEventUuid(): string | undefined {
  return storage.getStore()?.eventUuid;
}
