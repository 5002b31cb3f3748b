import { describe, expect, it } from 'vitest';
import { quickActionOffsets } from '../../src/core/quick-action-scan.js';

/**
 * GitLab's extractor expression (lib/gitlab/quick_actions/extractor.rb), transcribed to JavaScript
 * with the scan's two widenings (any word as command, leading spaces). It backtracks too much for
 * long texts, but on short ones it is the reference the linear scan must agree with.
 */
const BOL = '(?<![^\\n])';
const EOL = '(?![^\\n])';
const GITLAB = new RegExp(
  [
    `${BOL}\`\`\`.+?\\n\`\`\`${EOL}`,
    `${BOL}.*\`\\n*.+?\\n*\`${EOL}`,
    `${BOL}<[^>]+?>\\n.+?\\n<\\/[^>]+?>${EOL}`,
    `${BOL}>>>.+?\\n>>>${EOL}`,
    `${BOL}(?<indent>[ \\t]*)(?<command>\\/\\w+(?:[ ][^\\n]*)?(?:\\s*\\n|${EOL}))`,
  ].join('|'),
  'gis',
);

function reference(text: string): number[] {
  return [...text.matchAll(GITLAB)].flatMap((m) => (m.groups?.command === undefined ? [] : [m.index + (m.groups.indent?.length ?? 0)]));
}

const PIECES = ['/close', '/label ~x', ' /x', '```', '`', '>>>', '<div>', '</div>', '>', '<', '\n', '\n', '\n', ' ', 'a', '\t'];

function randomText(seed: number): string {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
  return Array.from({ length: 4 + (next() % 14) }, () => PIECES[next() % PIECES.length]).join('');
}

describe('finding quick actions as GitLab does', () => {
  it.each(Array.from({ length: 3000 }, (_, i) => i + 1))('agrees with GitLab\'s expression on random text #%i', (seed) => {
    const text = randomText(seed);
    expect(quickActionOffsets(text)).toEqual(reference(text));
  });

  it('treats a line-ending backtick far below as closing GitLab\'s "inline code" region', () => {
    // GitLab hides the /close: its inline-code alternative runs from `x `` to the last line ending in a backtick.
    expect(quickActionOffsets('x `\n```\n/close\n`\n```')).toEqual([]);
    expect(quickActionOffsets('x `\n/close')).toEqual([4]);
  });

  it('stays fast on a long text full of backticks', () => {
    const text = 'a `b` c\n/close\n'.repeat(20_000);
    const started = performance.now();
    expect(quickActionOffsets(text)).toHaveLength(20_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
