import { describe, expect, it } from 'vitest';
import {
  containsQuickAction,
  inlineText,
  isGitLabUsername,
  mention,
  neutraliseQuickActions,
  quoteBlock,
  usernameProblem,
} from '../../src/core/markdown-safety.js';
import { hostileText } from './hostile-text.js';

const ZWJ = '\u200D';
const ZWSP = '\u200B';

/** A mention GitLab would link: `@` after no word character, right before a username character (User.reference_pattern). */
const LIVE_MENTION = /(?<![A-Za-z0-9_])@[A-Za-z0-9_]/;

describe('inlineText: user text on one line of Trellis Markdown', () => {
  it.each([
    ['a quick action', '/close', '\\/close'],
    ['an indented quick action', '  /label ~x', '\\/label \\~x'],
    ['a shouted quick action', '/CLOSE', '\\/CLOSE'],
    ['a mention of everyone', 'thanks @all', `thanks @${ZWJ}all`],
    ['@here', '@here look', `@${ZWJ}here look`],
    ['a group mention', 'ask @infra/sre', `ask @${ZWJ}infra/sre`],
    ['an email address, which GitLab does not take for a mention', 'bob@example.com', 'bob@example.com'],
    ['a script tag', '<script>alert(1)</script>', '&lt;script>alert(1)&lt;/script>'],
    ['an image with onerror', '<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)>'],
    ['a details block', '<details><summary>x</summary></details>', '&lt;details>&lt;summary>x&lt;/summary>&lt;/details>'],
    ['a forged Trellis marker', '<!-- trellis:status:1 -->', '&lt;!-- trellis:status:1 -->'],
    ['an entity', 'a &amp; b', 'a &amp;amp; b'],
    ['Handlebars syntax, which is never compiled again', '{{#each x}}{{/each}}', '{{#each x}}{{/each}}'],
    ['a Markdown link', '[click](https://evil.example)', '\\[click\\](https://evil.example)'],
    ['an image', '![pixel](https://evil.example/p.png)', '!\\[pixel\\](https://evil.example/p.png)'],
    ['emphasis and code', '*bold* _it_ `code` ~~gone~~', '\\*bold\\* \\_it\\_ \\`code\\` \\~\\~gone\\~~'],
    ['GitLab references', '#12 !3 ~bug %"v1" $4 &5 ^alert', '\\#12 \\!3 \\~bug \\%"v1" \\$4 \\&5 ^alert'],
    ['punctuation nothing acts on', 'R&D, 2 < 3 > 1, snake_case, 50% off, #tag, C:\\temp', 'R&D, 2 < 3 > 1, snake_case, 50% off, #tag, C:\\temp'],
    ['a table cell break', 'a | b', 'a \\| b'],
    ['a backslash before punctuation', 'C:\\[x]', 'C:\\\\\\[x\\]'],
    ['a list marker at the start', '- not a list', '\\- not a list'],
    ['an ordered list marker at the start', '1. not a list', '1\\. not a list'],
    ['a heading marker', '# not a heading', '\\# not a heading'],
    ['a blockquote marker', '> not a quote', '&gt; not a quote'],
    ['newlines', 'one\ntwo\r\nthree\u2028four', 'one two three four'],
    ['a newline before a quick action', 'fine\n/close', 'fine /close'],
    ['bidi overrides and controls', 'ab\u202Ecd\u0007e', 'abcde'],
    ['plain words', 'Alice Adams', 'Alice Adams'],
    ['accents and emoji', 'Zoë 👩‍👩‍👧 café', 'Zoë 👩‍👩‍👧 café'],
  ])('shows %s literally', (_, input, expected) => {
    expect(inlineText(input)).toBe(expected);
  });

  it.each([
    ['a long reason', 'abcdefghijklmnopqrstuvwxyz', 10, 'abcdefghi…'],
    ['text that fits', 'short', 5, 'short'],
    ['emoji, counted as one character each', '👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧', 3, '👩‍👩‍👧👩‍👩‍👧…'],
    ['a word before a space', 'ab cd', 4, 'ab…'],
    ['escapes, counted before escaping', '****', 3, '\\*\\*…'],
    ['flags, two letters each', '🇩🇪🇫🇷🇮🇹', 2, '🇩🇪…'],
    ['accents written as combining marks', 'e\u0301e\u0301e\u0301', 2, 'e\u0301…'],
  ])('truncates %s with an ellipsis', (_, input, max, expected) => {
    expect(inlineText(input, max)).toBe(expected);
  });

  it('refuses a length that is not a positive whole number', () => {
    expect(() => inlineText('x', 0)).toThrow(RangeError);
    expect(() => inlineText('x', 2.5)).toThrow(RangeError);
  });

  it('keeps a very long string on one line and within its limit', () => {
    const out = inlineText('word '.repeat(100_000), 200);
    expect(out).not.toContain('\n');
    expect(Array.from(out.replace(/\\/g, '')).length).toBeLessThanOrEqual(200);
  });

  it('leaves nothing live in 500 hostile texts', () => {
    for (let seed = 1; seed <= 500; seed += 1) {
      const out = inlineText(hostileText(seed));
      const why = `seed ${seed}: ${JSON.stringify(out)}`;
      expect(out, why).not.toMatch(/[\n\r\u2028\u2029]|<[A-Za-z/!?]/);
      expect(out, why).not.toMatch(LIVE_MENTION);
      expect(out.startsWith('/'), why).toBe(false);
      expect(containsQuickAction(`Reason:\n${out}\n`), why).toBe(false);
    }
  });
});

describe('quoteBlock: multi-line user text as a quote', () => {
  it('quotes each line, keeping line breaks and blank lines', () => {
    expect(quoteBlock('I would like to:\n- pair with @bob on #123\n\n\n  - shadow on-call')).toBe(
      [`> I would like to:\\`, `> \\- pair with @${ZWJ}bob on \\#123`, '>', '> \u00A0\u00A0\\- shadow on-call'].join('\n'),
    );
  });

  it('cannot be closed by a code fence in the text', () => {
    const out = quoteBlock('look:\n```\n/close\n```\n~~~\n/reopen\n~~~');
    const lines = out.split('\n');
    expect(lines.every((l) => l.startsWith('>'))).toBe(true);
    expect(lines.some((l) => /^>\s*(```|~~~)/.test(l))).toBe(false);
    expect(containsQuickAction(out)).toBe(false);
  });

  it('neutralises mentions and HTML, which GitLab still honours inside quotes', () => {
    const out = quoteBlock('@all please\n<img src=x onerror=alert(1)>\n<details>\n/close\n</details>');
    expect(out).not.toMatch(LIVE_MENTION);
    expect(out).not.toMatch(/<[A-Za-z/!?]/);
    expect(containsQuickAction(out)).toBe(false);
  });

  it('keeps a trailing backslash literal rather than joining lines', () => {
    expect(quoteBlock('path C:\\\nnext')).toBe('> path C:\\\\\\\n> next');
  });

  it.each([[''], ['\n\n'], ['  \r\n\t']])('gives nothing for blank text %j', (input) => {
    expect(quoteBlock(input)).toBe('');
  });

  it('leaves nothing live in 500 hostile texts', () => {
    for (let seed = 1; seed <= 500; seed += 1) {
      const out = quoteBlock(hostileText(seed, 30));
      const why = `seed ${seed}: ${JSON.stringify(out)}`;
      expect(out.split('\n').every((l) => l === '' || l.startsWith('>')), why).toBe(true);
      expect(out, why).not.toMatch(LIVE_MENTION);
      expect(out, why).not.toMatch(/[<\r\u2028]/);
      expect(containsQuickAction(`Notes:\n\n${out}\n`), why).toBe(false);
    }
  });
});

describe('mention: a deliberate mention of a roster username', () => {
  it.each([['alice'], ['Alice.Adams'], ['a_b'], ['a-b'], ['_x'], ['x1'], ['z']])('mentions %s', (name) => {
    expect(mention(name)).toBe(`@${name}`);
  });

  it('accepts a username written with its @', () => {
    expect(mention('@carol')).toBe('@carol');
  });

  it.each([[''], ['a b'], ['-x'], ['x.'], ['x.git'], ['x.atom'], ['all'], ['HERE'], ['a@b'], ['group/sub'], ['zoë'], ['a\nb'], ['x'.repeat(256)]])(
    'refuses %j',
    (name) => {
      expect(() => mention(name)).toThrow(RangeError);
      expect(isGitLabUsername(name)).toBe(false);
      expect(usernameProblem(name)).toEqual(expect.any(String));
    },
  );
});

describe('containsQuickAction: would GitLab run a command here?', () => {
  it.each([
    ['/close', true],
    ['  /label ~x', true],
    ['/CLOSE', true],
    ['/assign me', true],
    ['Done.\n/close', true],
    ['Done.\r\n/close\r\n', true],
    ['/close\t', true],
    ['~~~\n/close\n~~~', true],
    ['a `b` c\n/close', true],
    ['```\n/close\n```', false],
    ['```ruby\n/close\n```\nafter', false],
    ['>>>\n/close\n>>>', false],
    ['> /close', false],
    ['<details>\n/close\n</details>', false],
    ['`\n/close\n`', false],
    ['see /close', false],
    ['/closed-by-hand', false],
    ['/tmp/foo is full', false],
    ['a\r/close', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(containsQuickAction(text)).toBe(expected);
  });
});

describe('neutraliseQuickActions', () => {
  it('puts a zero-width space before the slash, leaving the visible text alone', () => {
    expect(neutraliseQuickActions('Done.\n/close\n  /label ~x')).toBe(`Done.\n${ZWSP}/close\n  ${ZWSP}/label ~x`);
  });

  it('returns text without commands unchanged, even its carriage returns', () => {
    const text = 'line\r\n```\r\n/close\r\n```\r\n';
    expect(neutraliseQuickActions(text)).toBe(text);
  });

  it('leaves no command in 500 hostile texts, and nothing else changed', () => {
    for (let seed = 1; seed <= 500; seed += 1) {
      const text = hostileText(seed, 25);
      const out = neutraliseQuickActions(text);
      expect(containsQuickAction(out), `seed ${seed}: ${JSON.stringify(out)}`).toBe(false);
      expect(out.replaceAll(ZWSP, '')).toBe(containsQuickAction(text) ? text.replace(/\r/g, '') : text);
    }
  });
});
