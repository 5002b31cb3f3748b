import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../core/errors.js';
import { classifyNetworkError, classifyResponse, gitlabMessage, retryAfterFrom } from './classify-error.js';

const base = { headers: {}, message: 'nope', method: 'PUT', route: 'projects/7/issues/3' };

describe('classifying GitLab errors', () => {
  it.each([
    [429, TransientError, 'gitlab_rate_limited'],
    [500, TransientError, 'gitlab_unavailable'],
    [502, TransientError, 'gitlab_unavailable'],
    [503, TransientError, 'gitlab_unavailable'],
    [401, PermanentError, 'gitlab_unauthorized'],
    [403, PermanentError, 'gitlab_forbidden'],
    [404, PermanentError, 'gitlab_not_found'],
    [400, PermanentError, 'gitlab_rejected'],
    [409, PermanentError, 'gitlab_rejected'],
    [422, PermanentError, 'gitlab_rejected'],
  ])('%i is a %o with code %s', (status, type, code) => {
    const err = classifyResponse({ ...base, status });
    expect(err).toBeInstanceOf(type);
    expect(err.code).toBe(code);
    expect(err.details.status).toBe(status);
  });

  it("keeps GitLab's message for a rejected request", () => {
    const err = classifyResponse({ ...base, status: 400, message: 'title is too long' });
    expect(err.message).toContain('title is too long');
    expect(err.details.gitlabMessage).toBe('title is too long');
  });

  it('takes the wait from Retry-After, then from RateLimit-Reset', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    expect(retryAfterFrom({ 'retry-after': '17' }, now)).toBe(17_000);
    expect(retryAfterFrom({ 'retry-after': 'Sun, 01 Mar 2026 10:00:30 GMT' }, now)).toBe(30_000);
    expect(retryAfterFrom({ 'ratelimit-reset': String(now / 1000 + 42) }, now)).toBe(42_000);
    expect(retryAfterFrom({}, now)).toBeUndefined();
    const err = classifyResponse({ ...base, status: 429, headers: { 'retry-after': '3' } }, now);
    expect(err).toMatchObject({ code: 'gitlab_rate_limited', retryAfterMs: 3_000 });
  });

  it('tells a refused connection (never sent) from a timeout (maybe applied)', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(classifyNetworkError(refused, 'POST', 'projects/7/issues')).toMatchObject({ sent: false, error: { code: 'gitlab_unavailable' } });
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(classifyNetworkError(timeout, 'POST', 'projects/7/issues')).toMatchObject({ sent: true, error: { code: 'gitlab_unavailable' } });
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    expect(classifyNetworkError(reset, 'POST', 'projects/7/issues').sent).toBe(true);
  });

  it("reads GitLab's message from JSON and plain bodies", () => {
    expect(gitlabMessage('{"message":"404 Issue Not Found"}', 'application/json')).toBe('404 Issue Not Found');
    expect(gitlabMessage('{"error":"title is missing"}', 'application/json')).toBe('title is missing');
    expect(gitlabMessage('{"message":{"title":["is too long"]}}', 'application/json')).toBe('{"title":["is too long"]}');
    expect(gitlabMessage('Bad Gateway', 'text/html')).toBe('Bad Gateway');
  });
});
