import { describe, expect, it } from 'vitest';
import { createBodyGate } from '../../src/http/body-gate.js';

const MB = 1024 * 1024;

describe('the gate for large webhook bodies', () => {
  it('lets small bodies through without waiting or holding anything', () => {
    const gate = createBodyGate({ budgetBytes: 32 * MB, smallBytes: MB });
    expect(gate.enter(6000)).toBeNull();
    expect(gate.enter(MB)).toBeNull();
    expect(gate.held()).toBe(0);
  });

  it('admits large bodies while the budget has room, and the next ones in arrival order as it frees', async () => {
    const gate = createBodyGate({ budgetBytes: 32 * MB, smallBytes: MB });
    const order: string[] = [];
    const a = await gate.enter(20 * MB)!;
    const b = gate.enter(20 * MB)!.then((release) => (order.push('b'), release));
    const c = gate.enter(5 * MB)!.then((release) => (order.push('c'), release));
    await new Promise((r) => setTimeout(r, 10));
    // c would fit beside a, but waits behind b: first come, first served.
    expect(order).toEqual([]);
    a();
    const releaseB = await b;
    const releaseC = await c;
    expect(order).toEqual(['b', 'c']);
    expect(gate.held()).toBe(25 * MB);
    releaseB();
    releaseC();
    expect(gate.held()).toBe(0);
  });

  it('gives a body larger than the budget the whole budget, alone', async () => {
    const gate = createBodyGate({ budgetBytes: 32 * MB, smallBytes: MB });
    const small = await gate.enter(2 * MB)!;
    let huge: (() => void) | undefined;
    const waiting = gate.enter(100 * MB)!.then((r) => (huge = r));
    await new Promise((r) => setTimeout(r, 10));
    expect(huge).toBeUndefined();
    small();
    await waiting;
    expect(gate.held()).toBe(32 * MB);
    huge!();
    expect(gate.held()).toBe(0);
  });

  it('counts a body of unknown length (chunked) as the whole budget', async () => {
    const gate = createBodyGate({ budgetBytes: 32 * MB, smallBytes: MB });
    const release = await gate.enter(undefined)!;
    expect(gate.held()).toBe(32 * MB);
    release();
    // Releasing twice (response finished, then connection closed) gives back the budget once.
    release();
    expect(gate.held()).toBe(0);
  });
});
