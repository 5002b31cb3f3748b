import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { readPlainYaml } from '../../src/core/yaml-plain-read.js';

/** What the `yaml` package reads, as yaml-document.ts asks it to: 'error' when it refuses the file. */
function yamlReads(text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  return doc.errors.length > 0 ? 'error' : doc.toJS({ maxAliasCount: 100 });
}

describe('the plain YAML reader', () => {
  it.each([
    ['a block mapping with comments', 'fiscal_year_start_month: 2   # February\n# a comment\ntimezone: Europe/London\n'],
    ['lists under a key, indented or not', 'teams:\n  - id: a\n    name: A\n  - id: b\npeople:\n- username: x\n  team: a\nnotify: []\n'],
    ['one-line flow mappings', 'people:\n  - { username: m1e1, name: Engineer m1e1, manager: m1, on_call: true }\n  - { username: dir, name: "Dir: ector", level: director }\n'],
    ['quoted scalars', `a: "x \\"y\\" \\u00e9 \\n"\nb: 'it''s'\nc: ""\nd: '03-01'\n`],
    ['plain scalars the core schema reads', 'a: null\nb: ~\nc: True\nd: false\ne: 0\nf: 12\ng: 1.5\nh: yes\ni: Smith, John\nj: a:b\nk: a#b\nl: https://example.com/x\n'],
    ['nested mappings and empty values', 'roles:\n  sre:\n    title: SRE\n    responsibilities: [Ops, On call]\n    levels:\n      - level: senior\n        title: Senior SRE\n        responsibilities:\n          - Ops\n  empty:\ninternships:\n  notify: [a, b]\n  access_requests_project: infra/access\n'],
    ['a URL in a flow mapping', 'people:\n  - { username: a, efw: https://docs.example.com/a/b?c=d }\n'],
    ['CRLF line ends (saved on Windows)', 'timezone: Europe/London\r\nteams:\r\n  - { id: a, name: A }\r\n# note\r\nnotify: [x, "y z"]\r\nempty:\r\n'],
  ])('reads %s as yaml does', (_, text) => {
    const read = readPlainYaml(text);
    expect(read).not.toBeNull();
    expect(read?.data).toEqual(yamlReads(text));
  });

  it.each([
    ['tabs', 'teams:\n\t- id: x\n'],
    ['a duplicate key', 'timezone: UTC\ntimezone: UTC\n'],
    ['a duplicate key in a flow mapping', 'a: { b: 1, b: 2 }\n'],
    ['a second document', 'timezone: UTC\n---\ntimezone: UTC\n'],
    ['an alias', 'timezone: *zone\n'],
    ['an anchor and a tag', 'a: &x 1\nb: !!str 2\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a flow list over two lines', 'teams: [one,\n  two]\n'],
    ['an unclosed flow list', 'teams: [one, two\npeople: []\n'],
    ['a trailing comma', 'a: [1, 2, ]\n'],
    ['number forms other than decimals', 'a: 0x1F\n'],
    ['a signed number', 'a: -1\n'],
    ['an exponent', 'a: 1e3\n'],
    ['a leading zero', 'a: 012\n'],
    ['a date', 'a: 2024-01-01\n'],
    ['a nested mapping on one line', 'a: b: c\n'],
    ['a quoted key', '"a": 1\n'],
    ['a merge key', 'a: 1\n<<: { b: 2 }\n'],
    ['__proto__', '__proto__: { polluted: true }\n'],
    ['a boolean key', 'true: 1\n'],
    ['a comment mark inside quotes', 'a: "x # y"\n'],
    ['an empty file', ''],
    ['a scalar document', 'just text\n'],
    ['a line indented between two levels', 'a:\n    b: 1\n  c: 2\n'],
    ['an empty list item', 'a:\n  -\n  - b\n'],
    ['a carriage return alone', 'a: 1\rb: 2\n'],
    ['a carriage return inside a line', 'a: "x\ry"\n'],
  ])('leaves %s to yaml', (_, text) => {
    expect(readPlainYaml(text)).toBeNull();
  });

  // Lines drawn from the pieces rosters are made of, and from ones that trip readers up: whatever
  // the plain reader accepts must read exactly as yaml reads it.
  it('reads every generated file it accepts exactly as yaml does', () => {
    const keys = ['a', 'b', 'c_d', 'e-f', 'g.h', 'null', 'true'];
    const scalars = ['x', 'Team m1', '1', '0', '1.50', '-1', '~', 'Null', 'TRUE', 'no', '"q: \\"r\\""', "'s''t'", 'a,b', 'a:b', 'a #c', 'a#b', 'http://x/y', '""', '[]', '{}', '[1, x]', '{ k: v }', '{ k: v, }', '{k: v}', '&a x', '!t x', '|', '? x', '@x', '%x', '`x', '.5', '1_0', '0o7', '.inf'];
    let seed = 7;
    const pick = <T,>(xs: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return xs[seed % xs.length] as T;
    };
    const shapes: Array<(indent: string) => string> = [
      (i) => `${i}${pick(keys)}: ${pick(scalars)}`,
      (i) => `${i}${pick(keys)}:`,
      (i) => `${i}- ${pick(scalars)}`,
      (i) => `${i}- ${pick(keys)}: ${pick(scalars)}`,
      (i) => `${i}- { ${pick(keys)}: ${pick(scalars)}, ${pick(keys)}: ${pick(scalars)} }`,
      (i) => `${i}# ${pick(scalars)}`,
      () => '',
    ];
    let accepted = 0;
    for (let n = 0; n < 4000; n++) {
      const lines = Array.from({ length: 1 + (n % 6) }, () => pick(shapes)(pick(['', '', '  ', '    ', ' '])));
      const eol = n % 3 === 0 ? '\r\n' : '\n';
      const text = `${lines.join(eol)}${eol}`;
      const read = readPlainYaml(text);
      if (read === null) continue;
      accepted++;
      expect({ text, data: read.data }).toEqual({ text, data: yamlReads(text) });
    }
    expect(accepted).toBeGreaterThan(200);
  });
});
