import { describe, expect, it } from 'vitest';
import { quickActionOffsets } from '../../src/core/quick-action-scan.js';

/**
 * GitLab's extractor expression (lib/gitlab/quick_actions/extractor.rb), transcribed to JavaScript
 * with the scan's widenings (any word as command, leading spaces, trailing whitespace at the end). It backtracks too much for
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
    `${BOL}(?<indent>[ \\t]*)(?<command>\\/\\w+(?:[ ][^\\n]*)?\\s*(?:\\n|${EOL}))`,
  ].join('|'),
  'gis',
);

function reference(text: string): number[] {
  return [...text.matchAll(GITLAB)].flatMap((m) => (m.groups?.command === undefined ? [] : [m.index + (m.groups.indent?.length ?? 0)]));
}

// Whole lines and line fragments: regions open and close on lines of their own.
const PIECES = ['/close', '/label ~x', ' /x', '/x\t', '```', '```ruby', '`', 'a `b`', '>>>', '<div>', '</div>', '<>', '</>', '<div', '>', '<', '', ' ', 'a', '\t'];

/** A small seeded generator (mulberry32): the same texts on every run. */
function seeded(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function randomText(seed: number): string {
  const pick = seeded(seed);
  const line = (): string => Array.from({ length: 1 + pick(2) }, () => PIECES[pick(PIECES.length)]).join('');
  return Array.from({ length: 2 + pick(9) }, line).join('\n');
}

describe('finding quick actions as GitLab does', () => {
  it("agrees with GitLab's expression on 3,000 random texts", () => {
    for (let seed = 1; seed <= 3000; seed += 1) {
      const text = randomText(seed);
      expect(quickActionOffsets(text), `seed ${seed}: ${JSON.stringify(text)}`).toEqual(reference(text));
    }
  });

  it.each([
    ['an empty ``` block does not start a region', '```\n```\n/close\n```', []],
    ['a ``` block runs to the first line that is exactly ```', '```\n/close\n````\n```\n/close', [20]],
    ['an HTML region needs a tag name', '<>\n/close\n</div>', [3]],
    ['an HTML region needs a closing tag name', '<div>\n/close\n</>', [6]],
    ['an HTML region needs its tag alone on the line', '<div>x\n/close\n</div>', [7]],
    ['a >>> quote hides what it holds', '>>>\n/close\n>>>\n/reopen', [15]],
    ['a command may be indented', '  /close', [2]],
    ['a command must be followed by a space or the line end', '/close!\n/close x', [8]],
  ])('%s', (_, text, offsets) => {
    expect(quickActionOffsets(text)).toEqual(offsets);
    expect(reference(text)).toEqual(offsets);
  });

  it('treats a line-ending backtick far below as closing GitLab\'s "inline code" region', () => {
    // GitLab hides the /close: its inline-code alternative runs from `x `` to the last line ending in a backtick.
    expect(quickActionOffsets('x `\n```\n/close\n`\n```')).toEqual([]);
    expect(quickActionOffsets('x `\n/close')).toEqual([4]);
  });

  // A quadratic scan would not finish within the test's timeout on this input.
  it('finds every command in a long text full of backticks', () => {
    const text = 'a `b` c\n/close\n'.repeat(20_000);
    expect(quickActionOffsets(text)).toHaveLength(20_000);
  });
});
