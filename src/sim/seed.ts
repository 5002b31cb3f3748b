import { newChain, type Actor, type SimContext } from './context.js';
import { createLabel } from './labels.js';
import { addMember, createGroup, createProject } from './projects.js';
import { commitActions, readFile } from './repo.js';
import { createHook } from './routes-hooks.js';
import { findGroup, findProject, findUserByName } from './store.js';
import { createToken, createUser } from './users.js';
import type { SimGroup, SimUser } from './types.js';

/** Initial data for a simulator: users with tokens, groups, projects with members, files, hooks, labels. */
export type SimSeed = {
  users?: Array<{ username: string; name?: string; email?: string; admin?: boolean; tokens?: string[] }>;
  groups?: Array<{ path: string; name?: string }>;
  projects?: Array<{
    path: string;
    name?: string;
    default_branch?: string;
    members?: Array<{ username: string; access_level: number }>;
    files?: Record<string, string>;
    hooks?: Array<{ url: string; token?: string; issues_events?: boolean; confidential_issues_events?: boolean; note_events?: boolean; confidential_note_events?: boolean; push_events?: boolean }>;
    labels?: Array<{ name: string; color?: string; description?: string }>;
  }>;
};

/** Ids of what a seed created or found. */
export interface SeedResult {
  users: Record<string, { id: number; token?: string }>;
  projects: Record<string, { id: number }>;
}

function root(ctx: SimContext): SimUser {
  const user = ctx.store.users.get(1);
  if (!user) throw new Error('simulator has no root user');
  return user;
}

function ensureGroup(ctx: SimContext, fullPath: string, name?: string): SimGroup {
  const existing = findGroup(ctx.store, fullPath);
  if (existing) return existing;
  const parts = fullPath.split('/');
  const path = parts.pop() ?? fullPath;
  const parent = parts.length > 0 ? ensureGroup(ctx, parts.join('/')) : undefined;
  return createGroup(ctx, root(ctx), { path, name: name ?? path, parentId: parent?.id ?? null });
}

/**
 * Applies a seed. It can run after start and more than once: existing users, groups and projects
 * are reused and only what is missing is added (tokens, members, labels, hooks, changed files).
 */
export function seedSimulator(ctx: SimContext, seed: SimSeed): SeedResult {
  const result: SeedResult = { users: {}, projects: {} };
  const admin = root(ctx);
  const actor: Actor = { user: admin, chain: newChain() };
  for (const u of seed.users ?? []) {
    const user = findUserByName(ctx.store, u.username) ?? createUser(ctx, { username: u.username, name: u.name, email: u.email, admin: u.admin });
    for (const value of u.tokens ?? []) {
      if (!ctx.store.tokens.has(value)) createToken(ctx, user, { name: 'seed', scopes: ['api'], value });
    }
    result.users[user.username] = { id: user.id, ...(u.tokens?.[0] ? { token: u.tokens[0] } : {}) };
  }
  for (const g of seed.groups ?? []) ensureGroup(ctx, g.path, g.name);
  for (const sp of seed.projects ?? []) {
    const parts = sp.path.split('/');
    const path = parts.pop() ?? sp.path;
    const nsPath = parts.join('/');
    let project = findProject(ctx.store, sp.path);
    if (!project) {
      const owner = nsPath === '' ? admin : findUserByName(ctx.store, nsPath);
      const namespace = owner && !nsPath.includes('/') && !findGroup(ctx.store, nsPath) ? owner : ensureGroup(ctx, nsPath);
      project = createProject(ctx, admin, { path, name: sp.name ?? path, namespace, defaultBranch: sp.default_branch });
    }
    for (const m of sp.members ?? []) {
      const user = findUserByName(ctx.store, m.username);
      if (!user) throw new Error(`seed: unknown user ${m.username} for ${sp.path}`);
      const existing = project.members.get(user.id);
      if (existing) existing.accessLevel = m.access_level;
      else addMember(ctx, project, user, m.access_level, admin);
    }
    const files = Object.entries(sp.files ?? {}).filter(([file, content]) => readFile(project, project.defaultBranch, file)?.content.toString('utf8') !== content);
    if (files.length > 0) {
      const actions = files.map(([file, content]) => ({
        action: readFile(project, project.defaultBranch, file) ? ('update' as const) : ('create' as const), filePath: file, content,
      }));
      commitActions(ctx, actor, project, { branch: project.defaultBranch, message: 'Initial commit', actions });
    }
    for (const l of sp.labels ?? []) {
      if (!project.labelsByTitle.has(l.name)) createLabel(ctx, project, { title: l.name, color: l.color, description: l.description ?? null });
    }
    for (const h of sp.hooks ?? []) {
      if ([...project.hooks.values()].some((x) => x.url === h.url)) continue;
      createHook(ctx, project, { ...h });
    }
    result.projects[sp.path] = { id: project.id };
  }
  return result;
}
