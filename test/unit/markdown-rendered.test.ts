import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { inlineText, quoteBlock } from '../../src/core/markdown-safety.js';
import { checkpointDescription, conversationTemplate } from './checkpoint-fixtures.js';
import { readConversation } from '../../src/workflows/conversation/conversation-record.js';
import { hostileText } from './hostile-text.js';

/**
 * What people see: Trellis's escaping checked on the rendered result, not the source. markdown-it
 * follows CommonMark with GitLab's GFM additions (tables, strikethrough, raw HTML, bare links), so
 * a backslash or entity that "shows through" in GitLab shows through here too. GitLab's own
 * references (`#12`, `~label`) are not Markdown: the source checks in markdown-safety.test.ts cover them.
 */
const md = new MarkdownIt({ html: true, linkify: true });
const INVISIBLE_MARKS = /[\u200B\u200D]/g;

/** The text a reader sees in rendered HTML: tags dropped, entities decoded, invisible marks removed. */
function seen(html: string): string {
  return html
    .replace(/<br\s*\/?>\n?/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&')
    .replace(INVISIBLE_MARKS, '')
    .trim();
}

/**
 * Elements a rendering made besides the paragraph, blockquote and line breaks Trellis asked for, and
 * the bare addresses GitLab links by itself (a link whose text is its own address hides nothing).
 */
function elements(html: string): string[] {
  const bare = html.replace(/<a href="(mailto:)?([^"]*)">([^<]*)<\/a>/g, (whole, mail: string | undefined, href: string, text: string) =>
    mail || seen(text) === seen(decodeURIComponent(href)) ? text : whole,
  );
  return [...bare.matchAll(/<([a-z][a-z0-9]*)/g)].map((m) => m[1]!).filter((t) => !['p', 'blockquote', 'br'].includes(t));
}

/** Texts people really write, and what attackers reach for. */
const TEXTS = [
  "Join the team's Slack channels: the team channel, `#production`, `#incident-management`",
  '1. Autonomy',
  'snake_case_name and 2 * 3 = 6',
  'C:\\temp\\new and a trailing backslash \\',
  'a < b > c & d, R&D, AT&T',
  '*bold* _it_ `code` ~~gone~~ [a](http://e) ![i](http://e/p.png)',
  '#12 !3 ~bug %"v1" $4 &5 ^alert {+ added +} {- removed -}',
  '<script>alert(1)</script> <!-- trellis:status:1 --> &#64;all',
  '# not a heading',
  '- not a list',
  '> not a quote',
  '/close',
  'email bob@example.com, ask @alice',
  'Zoë 👩‍👩‍👧 café',
  'price: $5 or 5$, 50% off, issue #tag',
];

describe('inlineText, rendered', () => {
  it.each(TEXTS)('reads as written: %s', (text) => {
    const html = md.renderInline(inlineText(text));
    expect(seen(html)).toBe(text.replace(INVISIBLE_MARKS, ""));
    expect(elements(html)).toEqual([]);
  });

  it.each(TEXTS)('reads as written in a table cell: %s', (text) => {
    const html = md.render(`| a | b |\n|---|---|\n| ${inlineText(text)} | x |\n`);
    const cells = [...html.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => seen(m[1]!));
    expect(cells).toEqual([text.replace(INVISIBLE_MARKS, ""), "x"]);
  });

  it('reads as written for 500 hostile texts (on one line, controls dropped)', () => {
    for (let seed = 1; seed <= 500; seed += 1) {
      const text = hostileText(seed);
      const html = md.renderInline(inlineText(text));
      const why = `seed ${seed}: ${JSON.stringify(text)}`;
      expect(seen(html), why).toBe(text.replace(/\s+/g, ' ').trim().replace(INVISIBLE_MARKS, ''));
      expect(elements(html), why).toEqual([]);
    }
  });

  it('keeps only the characters that would act escaped: plain punctuation reads the same in the source', () => {
    expect(inlineText("Join the team's channel `#production`")).toBe("Join the team's channel \\`#production\\`");
    expect(inlineText('R&D, 2 < 3, snake_case, 50% off, #tag')).toBe('R&D, 2 < 3, snake_case, 50% off, #tag');
  });
});

describe('quoteBlock, rendered', () => {
  it('shows a numbered list of values line by line, with no backslash showing', () => {
    const html = md.render(`What matters to them:\n\n${quoteBlock('1. Autonomy\n2. Mastery\n3. Purpose')}\n\nTheir lighthouse:\n`);
    expect(html).toContain('<blockquote>\n<p>1. Autonomy<br>\n2. Mastery<br>\n3. Purpose</p>\n</blockquote>');
    expect(html).toContain('<p>Their lighthouse:</p>');
    expect(html).not.toContain('\\');
  });

  it.each(TEXTS)('reads as written, as one quoted line: %s', (text) => {
    const html = md.render(quoteBlock(text));
    expect(html.startsWith('<blockquote>')).toBe(true);
    expect(seen(html)).toBe(text.replace(INVISIBLE_MARKS, ""));
    expect(elements(html)).toEqual([]);
  });

  it('keeps lines and blank lines of a longer text', () => {
    const text = 'I would like to:\n- pair with @bob on #123\n\n  - shadow on-call\nC:\\';
    const html = md.render(quoteBlock(text));
    expect(seen(html).replace(/\u00A0/g, ' ').split(/\n+/)).toEqual(['I would like to:', '- pair with @bob on #123', '  - shadow on-call', 'C:\\']);
  });
});

describe('a checkpoint, rendered', () => {
  it('quotes the conversation as the person wrote it, with every prompt outside the quotes and no escape showing', () => {
    const template = conversationTemplate();
    const written = template
      .replace('1.\n2.\n3.\n4.', '1. Autonomy\n2. Mastery, C:\\ and 50% of #production\n3. Purpose')
      .replace('Your lighthouse:\n', 'Your lighthouse: run the `#production` channel_ops for *everyone*\n');
    const reading = readConversation(written, template);
    const html = md.render(checkpointDescription('FY27-Q1', 'alice', { conversation: { iid: 7, values: reading.values, lighthouse: reading.lighthouse, filledIn: reading.filledIn } }));
    const quotes = [...html.matchAll(/<blockquote>([\s\S]*?)<\/blockquote>/g)].map((m) => seen(m[1]!));
    expect(quotes).toEqual(['1. Autonomy\n2. Mastery, C:\\ and 50% of #production\n3. Purpose', 'run the `#production` channel_ops for *everyone*']);
    expect(seen(html.replace(/<blockquote>[\s\S]*?<\/blockquote>/g, ''))).not.toMatch(/\\|&[a-z]+;/);
    expect(html).toMatch(/<p>Their lighthouse:<\/p>/);
  });
});
