import { PermanentError } from '../core/errors.js';
import { newCommitId, newId, type ProjectRecord, type World } from './memory-world.js';
import type { GitLabGateway } from '../core/gitlab-port.js';

/** Records a call, applies injected faults, runs the work: the memory gateway's wrapper. */
export type CallFn = <T>(method: string, iid: number | undefined, work: () => T) => Promise<T>;

type RepositoryMethods = Pick<
  GitLabGateway,
  'getFile' | 'commitFiles' | 'listLabels' | 'createLabel' | 'updateLabel' | 'listHooks' | 'createHook' | 'updateHook' | 'listHookEvents' | 'resendHookEvent' | 'testHook'
>;

/** The in-memory gateway's files, labels and hooks (the project-level records next to issues). */
export function repositoryMethods(world: World, rec: () => ProjectRecord, call: CallFn): RepositoryMethods {
  return {
    getFile: (path, ref) =>
      call('getFile', undefined, () => {
        const record = rec();
        const file = record.files.get(path);
        const onBranch = ref === undefined || ref === record.project.defaultBranch;
        return file && onBranch ? { path, content: file.content, lastCommitId: file.lastCommitId } : null;
      }),
    commitFiles: (message, changes) =>
      call('commitFiles', undefined, () => {
        const record = rec();
        for (const c of changes) {
          const exists = record.files.has(c.path);
          if (c.action === 'create' && exists) throw new PermanentError('gitlab_rejected', `A file with this name already exists: ${c.path}`, { status: 400, message });
          if (c.action === 'update' && !exists) throw new PermanentError('gitlab_rejected', `A file with this name doesn't exist: ${c.path}`, { status: 400, message });
        }
        const id = newCommitId(world);
        for (const c of changes) record.files.set(c.path, { content: c.content, lastCommitId: id });
      }),

    listLabels: () => call('listLabels', undefined, () => [...rec().labels.values()].sort((a, b) => (a.name < b.name ? -1 : 1))),
    createLabel: (label) =>
      call('createLabel', undefined, () => {
        const labels = rec().labels;
        if (labels.has(label.name)) throw new PermanentError('gitlab_rejected', 'Label already exists', { status: 409, name: label.name });
        labels.set(label.name, { ...label });
      }),
    updateLabel: (label) =>
      call('updateLabel', undefined, () => {
        const labels = rec().labels;
        if (!labels.has(label.name)) throw new PermanentError('gitlab_not_found', `GitLab has no label ${label.name} (404)`, { status: 404 });
        labels.set(label.name, { ...label });
      }),

    listHooks: () => call('listHooks', undefined, () => [...rec().hooks.values()]),
    createHook: (s) =>
      call('createHook', undefined, () => {
        const { token: _token, enableSslVerification: _ssl, ...events } = s;
        const hook = { id: newId(world), ...events, alertStatus: 'executable', disabledUntil: null };
        rec().hooks.set(hook.id, hook);
        return hook;
      }),
    updateHook: (id, s) =>
      call('updateHook', undefined, () => {
        const old = rec().hooks.get(id);
        if (!old) throw new PermanentError('gitlab_not_found', `GitLab has no hook ${id} (404)`, { status: 404 });
        const { token: _token, enableSslVerification: _ssl, ...events } = s;
        const hook = { ...old, ...events };
        rec().hooks.set(id, hook);
        return hook;
      }),
    testHook: (hookId) =>
      call('testHook', undefined, () => {
        const old = rec().hooks.get(hookId);
        if (!old) throw new PermanentError('gitlab_not_found', `GitLab has no hook ${hookId} (404)`, { status: 404 });
        rec().hooks.set(hookId, { ...old, alertStatus: 'executable', disabledUntil: null });
      }),
    listHookEvents: (hookId, status) =>
      call('listHookEvents', undefined, () => {
        if (!rec().hooks.has(hookId)) throw new PermanentError('gitlab_not_found', `GitLab has no hook ${hookId} (404)`, { status: 404 });
        return (rec().hookEvents.get(hookId) ?? []).filter((e) => status === undefined || statusMatches(e.status, status));
      }),
    resendHookEvent: (hookId, eventId) =>
      call('resendHookEvent', undefined, () => {
        if (!(rec().hookEvents.get(hookId) ?? []).some((e) => e.id === eventId)) {
          throw new PermanentError('gitlab_not_found', `GitLab has no hook event ${eventId} (404)`, { status: 404 });
        }
        // No receiver in memory: the resend counts as answered.
        return { status: '200' };
      }),
  };
}

/** GitLab's `status` filter: a code, or `successful` / `client_failure` / `server_failure`. */
function statusMatches(actual: number | string, wanted: string): boolean {
  const code = Number(actual);
  if (wanted === 'successful') return code >= 200 && code < 300;
  if (wanted === 'client_failure') return code >= 400 && code < 500;
  if (wanted === 'server_failure') return code >= 500 || Number.isNaN(code);
  return String(actual) === wanted;
}
