import { afterEach, beforeEach, describe } from 'vitest';
import type { GitLabGateway } from '../../src/core/gitlab-port.js';
import { boardsContract } from './contract-boards.js';
import type { ContractContext, MakeGateway } from './contract-fixture.js';
import { issueContract, listingContract } from './contract-issues.js';
import { notesAndLinksContract } from './contract-notes.js';
import { placesContract } from './contract-places.js';
import { projectContract, repositoryContract } from './contract-project.js';

export { contractFixture, type MakeGateway } from './contract-fixture.js';

/**
 * The GitLab port's contract: what the executor and workflows rely on, checked the same way against
 * every adapter (docs/style.md#in-trellis). `makeGateway` is called before each test and must return a gateway on a
 * fresh world shaped like `contractFixture`.
 */
export function runGatewayContract(name: string, makeGateway: MakeGateway): void {
  describe(`GitLab gateway contract: ${name}`, () => {
    let current: { gw: GitLabGateway; cleanup(): Promise<void> } | undefined;
    beforeEach(async () => {
      current = await makeGateway();
    });
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });
    const ctx: ContractContext = {
      gw() {
        if (!current) throw new Error('no gateway: makeGateway failed');
        return current.gw;
      },
    };
    describe('project and users', () => projectContract(ctx));
    describe('issues', () => issueContract(ctx));
    describe('listing issues', () => listingContract(ctx));
    describe('notes and links', () => notesAndLinksContract(ctx));
    describe('files, labels and hooks', () => repositoryContract(ctx));
    describe('groups, projects in groups and members', () => placesContract(ctx));
    describe('issue boards of projects and groups', () => boardsContract(ctx));
  });
}
