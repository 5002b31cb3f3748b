import type { GitLabGateway } from '../../src/core/gitlab-port.js';

/**
 * The world every adapter under contract must start from: the records project with two files, a
 * second project for cross-project links, the bot (whose token the gateway uses, a maintainer in
 * both projects) and two people.
 */
export const contractFixture = {
  projectPath: 'infra/career',
  otherProjectPath: 'infra/training',
  /** The group of private records projects; the bot is its Owner. */
  recordsGroup: 'infra/career-records',
  defaultBranch: 'main',
  bot: 'trellis-bot',
  botToken: 'glpat-contract-bot-token',
  botAccessLevel: 40,
  people: ['alice', 'bob'],
  files: {
    'README.md': '# Career records\n',
    '.trellis/roster.yml': 'people: []\n',
  },
} as const;

/** A fresh gateway on a fresh world, and how to dispose of it. */
export type MakeGateway = () => Promise<{ gw: GitLabGateway; cleanup(): Promise<void> }>;

/** Gives each test the gateway made for it. */
export interface ContractContext {
  gw(): GitLabGateway;
}

/** A label set as a sorted array, since order is not part of the contract. */
export function sorted(labels: readonly string[]): string[] {
  return [...labels].sort();
}

/** Every issue a listing yields. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A draft with defaults, so each test states only what it is about. */
export function draft(over: Partial<Parameters<GitLabGateway['createIssue']>[0]> = {}): Parameters<GitLabGateway['createIssue']>[0] {
  return { title: 'SRE I training: @alice', description: 'Work through the module.', labels: [], assignees: [], confidential: false, ...over };
}
