import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../src/core/errors.js';
import { createMemoryCache } from '../../src/core/state-ports.js';
import type { Hook, HookEvent, HookHost } from '../../src/core/gitlab-port.js';
import { replayFailedDeliveries } from '../../src/workflows/reconcile/replay-deliveries.js';

/** One hook's host as GitLab behaves: resends refused while disabled, the test delivery re-enables. */
function fakeHost(opts: { failed: number; disabled?: boolean; answer?: (eventId: number) => string | Error; testFails?: boolean; disableAfterResends?: number }) {
  const events: HookEvent[] = Array.from({ length: opts.failed }, (_, i) => ({ id: i + 1, status: i % 2 === 0 ? 401 : 503, trigger: 'note_hooks', createdAt: '2026-03-01T10:00:00Z' }));
  let disabled = opts.disabled ?? false;
  const calls: string[] = [];
  const host: HookHost = {
    listHooks: async () => [],
    createHook: async () => {
      throw new Error('unused');
    },
    updateHook: async () => {
      throw new Error('unused');
    },
    listHookEvents: async (_id, status) => events.filter((e) => (status === 'client_failure' ? Number(e.status) < 500 : Number(e.status) >= 500)),
    async resendHookEvent(_hookId, eventId) {
      calls.push(`resend ${eventId}`);
      // Disabled once, after that many resends (as if GitLab auto-disabled it meanwhile).
      if (calls.filter((c) => c.startsWith('resend')).length === (opts.disableAfterResends ?? -1) + 1) disabled = true;
      if (disabled) throw new PermanentError('gitlab_rejected', 'GitLab rejected POST resend (422): Hook disabled', { status: 422, gitlabMessage: 'Hook disabled' });
      const answer = opts.answer?.(eventId) ?? '202';
      if (answer instanceof Error) throw answer;
      return { status: answer };
    },
    async testHook() {
      calls.push('test');
      if (opts.testFails) throw new PermanentError('gitlab_rejected', 'GitLab rejected POST test (422): Hook execution failed: 401', { status: 422 });
      disabled = false;
    },
  };
  return { host, calls };
}

const hook = (alertStatus = 'executable'): Hook => ({ id: 7, url: 'https://trellis.example/webhooks/gitlab', issuesEvents: true, confidentialIssuesEvents: true, noteEvents: true, confidentialNoteEvents: true, pushEvents: false, alertStatus, disabledUntil: null });

describe('resending failed deliveries', () => {
  it('goes on past a failed resend and claims only what was resent, so the next run tries the failure again', async () => {
    const cache = createMemoryCache();
    let gitlabDown = true;
    const { host, calls } = fakeHost({ failed: 3, answer: (id) => (id === 3 && gitlabDown ? new TransientError('gitlab_unavailable', 'GitLab answered 502') : '202') });
    const first = await replayFailedDeliveries(host, hook(), cache, { dryRun: false });
    expect(first).toMatchObject({ failed: 3, resent: 2, alreadyResent: 0, pending: 0, notResent: [{ eventId: 3, why: 'gitlab_unavailable: GitLab answered 502' }] });
    gitlabDown = false;
    // The next run shares the claims (Redis in production).
    const second = await replayFailedDeliveries(host, hook(), cache, { dryRun: false });
    expect(second).toMatchObject({ resent: 1, alreadyResent: 2, notResent: [] });
    expect(calls).toEqual(['resend 3', 'resend 2', 'resend 1', 'resend 3']);
  });

  it('does not count a resend the receiver did not take', async () => {
    const { host } = fakeHost({ failed: 2, answer: (id) => (id === 2 ? '503' : '202') });
    const result = await replayFailedDeliveries(host, hook(), createMemoryCache(), { dryRun: false });
    expect(result).toMatchObject({ resent: 1, notResent: [{ eventId: 2, why: 'the receiver answered 503' }] });
  });

  it('re-enables a hook GitLab disabled with a test delivery first, then resends', async () => {
    const { host, calls } = fakeHost({ failed: 2, disabled: true });
    const result = await replayFailedDeliveries(host, hook('temporarily_disabled'), createMemoryCache(), { dryRun: false });
    expect(result).toMatchObject({ resent: 2, reenabled: true, notResent: [] });
    expect(calls).toEqual(['test', 'resend 2', 'resend 1']);
  });

  it('re-enables a hook disabled during the run when GitLab refuses with "Hook disabled", and tries that delivery again', async () => {
    const { host, calls } = fakeHost({ failed: 3, disableAfterResends: 1 });
    const result = await replayFailedDeliveries(host, hook(), createMemoryCache(), { dryRun: false });
    expect(result).toMatchObject({ resent: 3, reenabled: true, notResent: [] });
    expect(calls).toEqual(['resend 3', 'resend 2', 'test', 'resend 2', 'resend 1']);
  });

  it('says why nothing was resent when the test delivery fails too, and claims nothing', async () => {
    const cache = createMemoryCache();
    const { host, calls } = fakeHost({ failed: 2, disabled: true, testFails: true });
    const result = await replayFailedDeliveries(host, hook('disabled'), cache, { dryRun: false });
    expect(result.resent).toBe(0);
    expect(result.notResent.map((n) => n.eventId)).toEqual([2, 1]);
    expect(result.notResent[0]!.why).toMatch(/^hook disabled by GitLab, and its test delivery failed/);
    expect(calls).toEqual(['test']);
    expect(await cache.claim('resent:7:2', 1)).toBe(true);
  });

  it('keeps to 5 resend attempts a minute per hook across runs, leaving the rest pending', async () => {
    const cache = createMemoryCache();
    const { host, calls } = fakeHost({ failed: 8 });
    const first = await replayFailedDeliveries(host, hook(), cache, { dryRun: false });
    const second = await replayFailedDeliveries(host, hook(), cache, { dryRun: false });
    expect(first).toMatchObject({ resent: 5, pending: 3 });
    expect(second).toMatchObject({ resent: 0, alreadyResent: 5, pending: 3 });
    expect(calls).toHaveLength(5);
  });
});
