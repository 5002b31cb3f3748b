import Handlebars from 'handlebars';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { containsQuickAction } from '../../src/core/markdown-safety.js';
import { createRenderer } from '../../src/core/render-template.js';

const CHECKPOINT = `/label ~career-checkpoint
/assign me
## {{quarter}} career checkpoint: {{mention report}}

Manager: {{mention manager}} · Team: {{safe team}}

### Focus areas
{{#each areas}}
- [ ] {{safe this}}
{{/each}}

{{#if summary}}
### Summary

{{quote summary}}
{{/if}}

Progress: {{progressBar done total 8}} ({{plural done "item"}} of {{total}})
`;

const DATA = {
  quarter: 'FY27-Q4',
  report: 'alice',
  manager: 'carol',
  team: 'Reliability: Foundations',
  areas: ['Incident management and on-call', 'Observability'],
  summary: null,
  done: 1,
  total: 2,
};

/** The AppError thrown by `fn`. */
function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('rendering a checkpoint issue', () => {
  const renderer = createRenderer({ checkpoint: CHECKPOINT });

  it('fills in the template, dropping the quick actions meant for the GitLab dropdown', () => {
    expect(renderer.render('checkpoint', DATA)).toBe(
      [
        '## FY27-Q4 career checkpoint: @alice',
        '',
        'Manager: @carol · Team: Reliability: Foundations',
        '',
        '### Focus areas',
        '- [ ] Incident management and on-call',
        '- [ ] Observability',
        '',
        '',
        'Progress: ▓▓▓▓░░░░ 50% (1 item of 2)',
        '',
      ].join('\n'),
    );
  });

  it('shows hostile user text literally: no quick action, mention or HTML survives, and template syntax shows as typed', () => {
    const out = renderer.render('checkpoint', {
      ...DATA,
      team: '/close @all <img src=x onerror=alert(1)> {{quarter}}',
      areas: ['/relabel ~hacked', '@infra/sre please [look](http://evil)'],
      summary: 'Went well.\n/confidential\n```\n/unlabel\n```\n@here {{#each x}}',
    });
    expect(containsQuickAction(out)).toBe(false);
    expect(out).not.toMatch(/@(all|here|infra)\b/);
    expect(out).not.toMatch(/<img|(?<!\\)\]\(http/);
    expect(out).toContain('{{quarter}}');
    expect(out).toContain('> Went well.\\\n> \\/confidential\\');
  });

  it('inserts {{field}} as it is: raw values are for text Trellis made itself', () => {
    expect(createRenderer().renderString('{{value}}', { value: '<b>*x*</b>' })).toBe('<b>*x*</b>');
  });

  it('makes a quick action from a raw field inert as a last guard', () => {
    const out = createRenderer().renderString('{{title}}\n', { title: '/close' });
    expect(out).toBe('\u200B/close\n');
    expect(containsQuickAction(out)).toBe(false);
  });
});

describe('template mistakes are template_invalid errors naming the template', () => {
  const renderer = createRenderer({
    'missing-field': 'Hello\n{{person.name}}',
    'missing-argument': '/label ~x\nLine two {{safe reason}}',
    'unknown-helper': '{{shout name}}',
    'log-helper': '{{log name}}',
    'lookup-helper': '{{lookup person "name"}}',
    syntax: '{{#if ready}}never closed',
    partial: '{{> footer}}',
    'bad-mention': '{{mention who}}',
  });

  it.each([
    ['missing-field', { person: {} }, 'template "missing-field": missing field "name" (line 2, column 3)', { field: 'name', line: 2 }],
    ['missing-argument', {}, 'template "missing-argument": missing field "reason" in safe (line 2, column 10)', { field: 'reason', line: 2 }],
    ['unknown-helper', { name: 'x' }, 'template "unknown-helper": unknown helper "shout" (line 1)', { helper: 'shout' }],
    ['log-helper', { name: 'x' }, 'template "log-helper": unknown helper "log" (line 1)', { helper: 'log' }],
    ['lookup-helper', { person: {} }, 'template "lookup-helper": unknown helper "lookup" (line 1)', { helper: 'lookup' }],
    ['syntax', { ready: true }, 'template "syntax": syntax error on line 1', {}],
    ['partial', {}, 'template "partial": The partial footer could not be found', {}],
    ['bad-mention', { who: 'all' }, 'template "bad-mention": cannot mention "all": @all would notify everyone', {}],
  ])('%s', (name, data, message, details) => {
    const err = thrown(() => renderer.render(name, data));
    expect(err.code).toBe('template_invalid');
    expect(err.message).toContain(message);
    expect(err.details).toMatchObject({ template: name, ...details });
  });

  it('names an unknown template and the ones it knows', () => {
    const err = thrown(() => createRenderer({ a: '', b: '' }).render('c', {}));
    expect(err.message).toBe('unknown template "c" (known: a, b)');
  });

  it('finds every broken template up front with validate()', () => {
    expect(() => createRenderer({ fine: '{{safe x}}' }).validate()).not.toThrow();
    expect(thrown(() => renderer.validate()).message).toMatch(/unknown helper|syntax error/);
  });

  it('accepts null for an absent value but not a missing key', () => {
    const r = createRenderer();
    expect(r.renderString('[{{safe note}}]{{#if note}}!{{/if}}', { note: null })).toBe('[]');
    expect(thrown(() => r.renderString('{{safe note}}', {})).details).toMatchObject({ field: 'note' });
  });
});

describe('helpers', () => {
  const r = createRenderer();

  it.each([
    [0, 4, 10, '░░░░░░░░░░ 0%'],
    [1, 2, 8, '▓▓▓▓░░░░ 50%'],
    [2, 3, 10, '▓▓▓▓▓▓░░░░ 66%'],
    [9, 10, 4, '▓▓▓░ 90%'],
    [4, 4, 10, '▓▓▓▓▓▓▓▓▓▓ 100%'],
    [5, 4, 4, '▓▓▓▓ 100%'],
    [0, 0, 4, '░░░░ 0%'],
  ])('progressBar %i of %i, %i wide: %s', (done, total, width, bar) => {
    expect(r.renderString('{{progressBar done total width}}', { done, total, width })).toBe(bar);
  });

  it('progressBar is ten cells wide unless told', () => {
    expect(r.renderString('{{progressBar 3 10}}', {})).toBe('▓▓▓░░░░░░░ 30%');
  });

  it.each([
    [0, 'checkpoint', undefined, '0 checkpoints'],
    [1, 'checkpoint', undefined, '1 checkpoint'],
    [3, 'checkpoint', undefined, '3 checkpoints'],
    [1, 'person', 'people', '1 person'],
    [2, 'person', 'people', '2 people'],
  ])('plural %i %s', (n, word, many, expected) => {
    const source = many ? '{{plural n word many}}' : '{{plural n word}}';
    expect(r.renderString(source, { n, word, many })).toBe(expected);
  });

  it('join escapes each item like safe', () => {
    expect(r.renderString('{{join names}} / {{join names " and "}}', { names: ['alice', '@all', '/close'] })).toBe(
      'alice, @\u200Dall, \\/close / alice and @\u200Dall and \\/close',
    );
  });

  it.each([
    [new Date('2026-11-01T23:30:00Z'), undefined, '2026-11-01'],
    [new Date('2026-11-01T23:30:00Z'), 'Asia/Tokyo', '2026-11-02'],
    ['2026-11-01T23:30:00Z', undefined, '2026-11-01'],
    ['2027-01-31', undefined, '2027-01-31'],
  ])('date %s in %s', (at, zone, expected) => {
    expect(r.renderString(zone ? '{{date at zone}}' : '{{date at}}', { at, zone })).toBe(expected);
  });

  it('eq compares strictly', () => {
    const source = '{{#if (eq state "done")}}yes{{else}}no{{/if}}';
    expect(r.renderString(source, { state: 'done' })).toBe('yes');
    expect(r.renderString(source, { state: 'Done' })).toBe('no');
  });

  it('safe truncates when given a length', () => {
    expect(r.renderString('{{safe title 6}}', { title: 'A long title' })).toBe('A lon…');
  });

  it.each([
    ['{{safe x}}', { x: { a: 1 } }, 'safe needs text, got an object'],
    ['{{progressBar x 2}}', { x: 'one' }, 'progressBar needs a number'],
    ['{{join x}}', { x: 'a,b' }, 'join needs a list'],
    ['{{date x}}', { x: 'tomorrow' }, 'date needs a date or ISO time'],
    ['{{eq x}}', { x: 1 }, 'eq takes 2 arguments, got 1'],
  ])('%s refuses bad values', (source, data, message) => {
    expect(thrown(() => r.renderString(source, data)).message).toContain(message);
  });
});

describe('the private Handlebars instance', () => {
  it('registers nothing on the global Handlebars', () => {
    createRenderer({ x: '{{safe y}}' }).render('x', { y: 'z' });
    expect(Handlebars.helpers).not.toHaveProperty('safe');
    expect(Handlebars.helpers).not.toHaveProperty('progressBar');
  });

  it('compiles each template once however often it renders', () => {
    const create = Handlebars.create.bind(Handlebars);
    let compiles = 0;
    vi.spyOn(Handlebars, 'create').mockImplementation(() => {
      const instance = create();
      const compile = instance.compile.bind(instance);
      instance.compile = (...args: Parameters<typeof compile>) => {
        compiles += 1;
        return compile(...args);
      };
      return instance;
    });
    const r = createRenderer({ note: 'Hi {{safe name}}' });
    for (let i = 0; i < 5; i += 1) {
      r.render('note', { name: `n${i}` });
      r.renderString('Bye {{safe name}}', { name: `n${i}` });
    }
    expect(compiles).toBe(2);
  });

  it('keeps error line numbers true to the file after dropping quick-action lines', () => {
    const err = thrown(() => createRenderer({ t: '/label ~a\n/label ~b\nok\n{{missing}}' }).render('t', {}));
    expect(err.details).toMatchObject({ line: 4 });
  });
});
