import { expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { contractFixture as fx, type ContractContext } from './contract-fixture.js';

const color = '#428bca';

/** Issue boards of a project and of a group: what `trellis setup` keeps (docs/boards.md). */
export function boardsContract(ctx: ContractContext): void {
  const labels = async (...names: string[]) => {
    for (const name of names) await ctx.gw().createLabel({ name, color, description: null });
  };
  const names = (lists: ReadonlyArray<{ label: string | null }>) => lists.map((l) => l.label);

  it('creates a project board with no label lists, listed with its page under the project', async () => {
    const made = await ctx.gw().createBoard('Training');
    expect(made).toMatchObject({ name: 'Training', lists: [], labels: [] });
    const project = await ctx.gw().project();
    const [found, ...others] = await ctx.gw().listBoards();
    expect(others).toEqual([]);
    expect(found).toMatchObject({ id: made?.id, name: 'Training', webUrl: `${project.webUrl}/-/boards/${made?.id}` });
  });

  it('adds label lists at the right end, moves one (the lists between shift), and deletes one, twice without error', async () => {
    await labels('a::1', 'a::2', 'a::3');
    const board = (await ctx.gw().createBoard('Flow'))!;
    const one = await ctx.gw().createBoardList(board.id, 'a::1');
    await ctx.gw().createBoardList(board.id, 'a::2');
    const three = await ctx.gw().createBoardList(board.id, 'a::3');
    expect(three.position).toBe(2);
    const listed = async () => (await ctx.gw().listBoards()).find((b) => b.id === board.id)!.lists;
    expect(names(await listed())).toEqual(['a::1', 'a::2', 'a::3']);
    expect((await listed()).map((l) => l.position)).toEqual([0, 1, 2]);
    await ctx.gw().moveBoardList(board.id, three.id, 0);
    expect(names(await listed())).toEqual(['a::3', 'a::1', 'a::2']);
    await ctx.gw().deleteBoardList(board.id, one.id);
    await ctx.gw().deleteBoardList(board.id, one.id);
    expect(names(await listed())).toEqual(['a::3', 'a::2']);
    expect((await listed()).every((l) => l.labelId !== null)).toBe(true);
  });

  it('refuses a list of a label that does not exist, adding nothing', async () => {
    const board = (await ctx.gw().createBoard('Flow'))!;
    await expect(ctx.gw().createBoardList(board.id, 'no-such-label')).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'gitlab_rejected');
    expect((await ctx.gw().listBoards())[0]?.lists).toEqual([]);
  });

  it('renames a board', async () => {
    const board = (await ctx.gw().createBoard('Draft'))!;
    expect(await ctx.gw().updateBoard(board.id, { name: 'Internships' })).toMatchObject({ id: board.id, name: 'Internships' });
  });

  it('keeps a group board over the group labels, scoped to a label, with its page under the group', async () => {
    const group = ctx.gw().forGroup(fx.recordsGroup);
    for (const name of ['checkpoint::planning', 'checkpoint::done', 'quarter::FY27-Q1']) await group.createLabel({ name, color, description: null });
    const board = await group.createBoard('Career checkpoints');
    // The contract's worlds play Premium (several group boards, scope); Free is in test/sim/group-boards.test.ts.
    expect(board).not.toBeNull();
    await group.createBoardList(board!.id, 'checkpoint::planning');
    await group.createBoardList(board!.id, 'checkpoint::done');
    expect((await group.updateBoard(board!.id, { labels: ['quarter::FY27-Q1'] })).labels).toEqual(['quarter::FY27-Q1']);
    const [found] = await group.listBoards();
    const g = await group.group();
    expect(found).toMatchObject({ name: 'Career checkpoints', labels: ['quarter::FY27-Q1'], webUrl: `${g?.webUrl}/-/boards/${board!.id}` });
    expect(names(found!.lists)).toEqual(['checkpoint::planning', 'checkpoint::done']);
    expect(await ctx.gw().listBoards()).toEqual([]);
  });
}
