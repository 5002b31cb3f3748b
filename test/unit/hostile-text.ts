/** Hostile texts for the escaping suites (markdown-safety, markdown-rendered), reproducible from a seed. */

/** Random text built from the pieces attackers reach for, reproducible from a seed. */
export function hostileText(seed: number, pieces = 12): string {
  const parts = ['/close', '  /label ~x', '/CLOSE', '@all', '@here', '@alice', '@group/sub', 'bob@example.com', '<script>', '</details>',
    '<!-- trellis:checkpoint:FY27-Q4/alice -->', '```', '~~~', '`', '>>>', '> ', '\n', '\r\n', '\r', '\u2028', '  ', '\t', '{{x}}',
    '[a](http://e)', '![i](http://e/p.png)', '#12', '~bug', '%M', '!3', '$4', '&5', '*', '_', '|', '\\', '- ', '1. ', '=', 'é', '👩‍👩‍👧', 'text'];
  const pick = seeded(seed);
  return Array.from({ length: pieces }, () => parts[pick(parts.length)]).join('');
}

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
