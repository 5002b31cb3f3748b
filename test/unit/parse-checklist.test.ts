import { describe, expect, it } from 'vitest';
import { checklistSignature, parseChecklist } from '../../src/core/parse-checklist.js';

const SRE_I = `# SRE I training: @alice

Work through each section with your onboarding buddy.
- [x] Read the handbook page on on-call

## Week 1: Observability
- [x] Tour the Grafana dashboards
- [ ] Silence an alert in Alertmanager
  - [x] Find the runbook it links
  - [ ] Write down what you learned
- [ ] (optional) Watch the Prometheus deep-dive recording

### Reading
* [X] Monitoring Distributed Systems
* [~] Observability for the old stack

## Week 2: Incident management
1. [ ] Shadow an incident
2. [ ] ~~Run a game day~~
3. [ ] Optional: present at the team demo

\`\`\`markdown
- [ ] this is an example, not a task
\`\`\`
<!-- - [ ] a task hidden by a comment -->
`;

describe('parseChecklist: a training module', () => {
  const c = parseChecklist(SRE_I);

  it('groups items by ## section; items before the first ## go to an untitled section', () => {
    expect(c.sections.map((s) => [s.title, s.done, s.total])).toEqual([
      ['', 1, 1],
      ['Week 1: Observability', 3, 5],
      ['Week 2: Incident management', 0, 1],
    ]);
  });

  it('keeps a ### heading in the ## section above it', () => {
    expect(c.items.find((i) => i.text === 'Monitoring Distributed Systems')?.section).toBe('Week 1: Observability');
  });

  it('counts required and optional items across the whole list', () => {
    expect(c).toMatchObject({ requiredDone: 4, requiredTotal: 7, optionalDone: 0, optionalTotal: 3 });
    expect(c.items).toHaveLength(11);
  });

  it('gives nesting depth and line numbers', () => {
    expect(c.items.slice(1, 6).map((i) => [i.text, i.depth, i.line])).toEqual([
      ['Tour the Grafana dashboards', 0, 7],
      ['Silence an alert in Alertmanager', 0, 8],
      ['Find the runbook it links', 1, 9],
      ['Write down what you learned', 1, 10],
      ['(optional) Watch the Prometheus deep-dive recording', 0, 11],
    ]);
  });

  it("treats GitLab's [~] as inapplicable: not required and never done", () => {
    expect(c.items.find((i) => i.text === 'Observability for the old stack')).toMatchObject({ checked: false, required: false, inapplicable: true });
  });

  it('ignores checkboxes in code blocks and HTML comments', () => {
    expect(c.items.some((i) => /example|hidden/.test(i.text))).toBe(false);
  });
});

describe('what counts as an item', () => {
  it.each([
    ['- [ ] dash', false],
    ['* [x] star', true],
    ['+ [X] plus', true],
    ['1. [ ] ordered', false],
    ['12) [x] ordered with a parenthesis', true],
    ['   - [x] indented', true],
    ['-\t[x] tab after the marker', true],
  ])('%j is an item, checked: %s', (line, checked) => {
    const [item] = parseChecklist(line).items;
    expect(item?.checked).toBe(checked);
  });

  it.each([['- [] no space'], ['-[ ] no space after the dash'], ['[ ] no list marker'], ['- [y] another letter'], ['- [ ]no space after the box'], ['- plain bullet'], ['Some text [x] in a paragraph']])(
    '%j is not an item',
    (line) => {
      expect(parseChecklist(line).items).toEqual([]);
    },
  );

  it('reads an item whose text is empty', () => {
    expect(parseChecklist('- [x]').items[0]).toMatchObject({ text: '', checked: true, required: true });
  });
});

describe('optional and struck-through items are not required', () => {
  it.each([
    ['- [ ] (optional) watch a talk', false],
    ['- [ ] Watch a talk (Optional)', false],
    ['- [ ] _optional_ watch a talk', false],
    ['- [ ] watch a talk *optional*', false],
    ['- [ ] Optional: watch a talk', false],
    ['- [ ] OPTIONAL : watch a talk', false],
    ['- [ ] **Optional:** watch a talk', false],
    ['- [ ] **Optional**: watch a talk', false],
    ['- [ ] ~~watch a talk~~', false],
    ['- [ ] ~~watch~~ a talk', true],
    ['- [ ] ~~one~~ and ~~two~~', true],
    ['- [ ] learn the optional flags of kubectl', true],
    ['- [ ] optionally pair with someone', true],
    ['- [ ] watch a talk', true],
  ])('%j → required: %s', (line, required) => {
    expect(parseChecklist(line).items[0]?.required).toBe(required);
  });

  it('counts a ticked optional item as optional progress only', () => {
    expect(parseChecklist('- [x] (optional) extra\n- [ ] core')).toMatchObject({ requiredDone: 0, requiredTotal: 1, optionalDone: 1, optionalTotal: 1 });
  });
});

describe('code blocks and comments', () => {
  it.each([
    ['backtick fence', '```\n- [ ] no\n```\n- [ ] yes'],
    ['tilde fence', '~~~yaml\n- [ ] no\n~~~\n- [ ] yes'],
    ['longer fence holding a shorter one', '````\n```\n- [ ] no\n```\n````\n- [ ] yes'],
    ['fence inside a list item', '- [ ] yes\n  ```\n  - [ ] no\n  ```'],
    ['multi-line comment', '<!--\n- [ ] no\n-->\n- [ ] yes'],
    ['comment closing mid-line', '<!-- - [ ] no --> \n- [ ] yes <!-- note -->'],
  ])('skips items inside a %s', (_, markdown) => {
    expect(parseChecklist(markdown).items.map((i) => i.text)).toEqual(['yes']);
  });

  it('does not let a tilde fence be closed by backticks', () => {
    expect(parseChecklist('~~~\n```\n- [ ] no\n~~~\n- [ ] yes').items.map((i) => i.text)).toEqual(['yes']);
  });

  it('treats an unclosed fence as running to the end', () => {
    expect(parseChecklist('- [ ] yes\n```\n- [ ] no').items.map((i) => i.text)).toEqual(['yes']);
  });
});

describe('odd descriptions', () => {
  it('reads CRLF line endings like LF', () => {
    expect(parseChecklist(SRE_I.replace(/\n/g, '\r\n'))).toEqual(parseChecklist(SRE_I));
  });

  it.each([[''], ['\n\n'], ['Just a description, no tasks.']])('an empty checklist for %j', (markdown) => {
    expect(parseChecklist(markdown)).toEqual({ sections: [], items: [], requiredDone: 0, requiredTotal: 0, optionalDone: 0, optionalTotal: 0 });
  });

  it('nests items under plain bullets and resets depth after a paragraph', () => {
    const c = parseChecklist('- Week 1\n  - [ ] a\n    - [ ] b\n\nText\n  - [ ] c');
    expect(c.items.map((i) => [i.text, i.depth])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 0],
    ]);
  });

  it('takes a ## heading with closing hashes as the section title', () => {
    expect(parseChecklist('## Week 3 ##\n- [ ] x').sections[0]?.title).toBe('Week 3');
  });
});

describe('checklistSignature', () => {
  const base = parseChecklist(SRE_I);
  /** SRE_I with `from` (which must be there) replaced. */
  const edited = (...pairs: Array<[string, string]>): string =>
    pairs.reduce((text, [from, to]) => {
      expect(text).toContain(from);
      return text.replace(from, to);
    }, SRE_I);

  it('changes when an item is ticked', () => {
    const ticked = parseChecklist(edited(['1. [ ] Shadow an incident', '1. [x] Shadow an incident']));
    expect(checklistSignature(ticked)).not.toBe(checklistSignature(base));
  });

  it('changes when a ticked item moves to another section', () => {
    const moved = parseChecklist(edited(['- [x] Tour the Grafana dashboards\n', ''], ['1. [ ] Shadow', '- [x] Tour the Grafana dashboards\n1. [ ] Shadow']));
    expect(checklistSignature(moved)).not.toBe(checklistSignature(base));
  });

  it('changes when an item is marked inapplicable', () => {
    const na = parseChecklist(edited(['- [ ] (optional) Watch', '- [~] (optional) Watch']));
    expect(checklistSignature(na)).not.toBe(checklistSignature(base));
  });

  it('stays the same when only wording changes', () => {
    const reworded = parseChecklist(edited(['## Week 1: Observability', '## Week one: Observability'], ['Tour the Grafana', 'Tour all Grafana']));
    expect(checklistSignature(reworded)).toBe(checklistSignature(base));
  });

  it('is compact: counts overall, then per section', () => {
    expect(checklistSignature(base)).toBe('4/7+0/3~1;1/1+0/0~0;3/5+0/1~1;0/1+0/2~0');
  });
});
