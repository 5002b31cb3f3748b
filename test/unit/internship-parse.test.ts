import { describe, expect, it } from 'vitest';
import { checkRequest, parseDay, parseLength, readTimezone } from '../../src/workflows/internship/check-request.js';
import { parseRequest } from '../../src/workflows/internship/parse-request.js';
import { demoRoster, IAN, requestText, template } from './internship-fixtures.js';

const NOW = new Date('2026-04-01T10:00:00.000Z');

function check(text: string, requester = 'ian') {
  return checkRequest(parseRequest(text), requester, demoRoster(), NOW);
}

describe('reading a request filled in from the template', () => {
  it('reads every answer the template asks for', () => {
    const a = parseRequest(requestText({ delivery: true, buddy: '@bob' }));
    expect(a).toMatchObject({
      team: IAN.team,
      role: IAN.role,
      manager: '@grace',
      timezone: 'Europe/Dublin',
      start: '2026-05-04',
      length: '6 weeks',
      share: '20%',
      goal: IAN.goal,
      ways: { pairing: true, onCall: true, delivery: true },
      pairingTopic: 'the Redis sharding OKR',
      systems: ['Grafana', 'Kibana'],
      buddy: '@bob',
    });
  });

  it('reads nothing from the blank template: its hints are comments, not answers', () => {
    const a = parseRequest(template());
    expect(a).toMatchObject({ team: '', manager: '', timezone: '', start: '', length: '', goal: '', systems: [], buddy: '' });
    expect(a.ways).toEqual({ pairing: false, onCall: false, delivery: false });
  });

  it('a blank template needs a manager, a learning goal, dates and a way of working; the time zone comes from the roster', () => {
    const { problems, request } = check(template());
    expect(request).toBeNull();
    expect(problems.map((p) => p.field)).toEqual(['manager', 'goal', 'start', 'length', 'ways']);
  });

  it('reads answers written the way people really write them', () => {
    const text = [
      'Hi! I talked to Grace about this last week.',
      '',
      '**About me**',
      '* **Team**: Verify',
      '* **Current Manager:** Grace Green',
      '* timezone : europe/dublin (IST)',
      '',
      '| Question | Answer |',
      '|---|---|',
      '| Start date | 4 May 2026 |',
      '| Duration | two months |',
      '',
      '## Goals',
      '',
      'Get comfortable with incident response.',
      '- and Terraform',
      '',
      '## How I would like to work',
      '',
      '- Shadow on-call',
      '* [X] shadow the delivery team',
      '',
      '## Access',
      '',
      'none',
    ].join('\r\n');
    const { request, problems } = check(text);
    expect(problems).toEqual([]);
    expect(request).toMatchObject({ manager: 'grace', timezone: 'Europe/Dublin', start: '2026-05-04', end: '2026-07-04', length: '2 months' });
    expect(request?.answers.ways).toEqual({ pairing: false, onCall: true, delivery: true });
    expect(request?.answers.goal).toBe('Get comfortable with incident response.\n- and Terraform');
    expect(request?.answers.systems).toEqual([]);
  });

  it.each([
    ['with an @', '- Current manager: @grace', 'grace'],
    ['without an @', '- Current manager: grace', 'grace'],
    ['as a link', '- Current manager: [@grace](https://gitlab.example.com/grace)', 'grace'],
    ['by name and username', '- Current manager: Grace Green (@Grace)', 'grace'],
    ['by name only', '- Current manager: grace green', 'grace'],
    ['on the next line', '- Current manager:\n  @grace', 'grace'],
    ['under a heading of its own', '### Manager\n\ngrace', 'grace'],
  ])('the manager is found %s', (_, line, manager) => {
    const text = requestText().replace(/^- Current manager:.*$/m, line);
    expect(check(text).request?.manager).toBe(manager);
  });

  it('a goal given after a colon counts as much as one under its heading', () => {
    const text = requestText({ goal: '' }).replace('- Share of time: 20%', '- Share of time: 20%\n- Learning goal: Kubernetes operators');
    expect(parseRequest(text).goal).toBe('Kubernetes operators');
  });

  it('a way of working mentioned in the goal is not a choice; a ticked box anywhere is', () => {
    const text = requestText({ onCall: false, pairing: false, goal: '- learn how on-call works\n- pair with someone' });
    expect(parseRequest(text).ways).toEqual({ pairing: false, onCall: false, delivery: false });
    const ticked = `${text}\n\n- [x] Shadow the Delivery team`;
    expect(parseRequest(ticked).ways.delivery).toBe(true);
  });

  it('a fenced code block is not read as answers', () => {
    const text = requestText({ manager: '' }).replace('### When', '```\n- Current manager: @grace\n```\n\n### When');
    expect(parseRequest(text).manager).toBe('');
  });

  it('reads what the requester says about SRE I and SRE II apart', () => {
    const text = requestText().replace('- [ ] I have completed SRE II', '- [x] I have completed SRE II');
    expect(parseRequest(text).saysDone).toEqual({ 'sre-i': false, 'sre-ii': true });
  });
});

describe('checking a request against the roster', () => {
  it('a complete request resolves to the manager, zone, dates and length', () => {
    const { problems, request } = check(requestText());
    expect(problems).toEqual([]);
    expect(request).toMatchObject({ manager: 'grace', timezone: 'Europe/Dublin', timezoneFromRoster: false, start: '2026-05-04', end: '2026-06-15', length: '6 weeks', buddy: null });
  });

  it.each([
    ['no manager', { manager: '' }, 'manager', 'name your manager (the roster says Grace Green (grace))'],
    ['a manager who is not theirs', { manager: '@carol' }, 'manager', 'carol is not your manager on the roster. The roster says your manager is Grace Green (grace)'],
    ['a manager nobody knows', { manager: 'the boss' }, 'manager', '“the boss” is nobody on the roster'],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'timezone', '“Mars/Olympus” is not a time zone Trellis knows'],
    ['a time zone abbreviation', { timezone: 'EST' }, 'timezone', '“EST” is not a time zone Trellis knows'],
    ['no learning goal', { goal: '' }, 'goal', 'What you want to learn'],
    ['no start date', { start: '' }, 'start', 'give one, as YYYY-MM-DD'],
    ['a start date that is not a date', { start: '2026-02-30' }, 'start', '“2026-02-30” is not a date'],
    ['a start date in the past', { start: '2026-03-02' }, 'start', '2026-03-02 is in the past'],
    ['no length', { length: '' }, 'length', 'say how long'],
    ['a length without a unit', { length: '6' }, 'length', '“6” is not a length'],
    ['a length over a year', { length: '14 months' }, 'length', 'at most 12 months'],
    ['no way of working', { pairing: false, onCall: false, delivery: false }, 'ways', 'tick at least one'],
    ['a buddy who is not on call', { buddy: '@dan' }, 'buddy', 'dan is not on call'],
    ['themselves as buddy', { buddy: 'ian' }, 'buddy', 'you cannot shadow yourself'],
    [
      'a team the roster does not know',
      { team: 'Verify Pipeline' },
      'team',
      '**Team**: “Verify Pipeline” is not a team on the roster. Write one of the teams it knows: Reliability: Foundations; Reliability: Observability; Delivery; Scalability; Verify: Pipeline Execution.',
    ],
  ] as const)('%s is a problem that says what to fix', (_, answers, field, text) => {
    const { problems, request } = check(requestText(answers));
    expect(request).toBeNull();
    expect(problems.map((p) => p.field)).toEqual([field]);
    expect(problems[0]?.text).toContain(text);
  });

  it.each([
    ['a bad time zone and a start date in the past', { timezone: 'Mars/Olympus', start: '2026-03-02', length: '6', manager: 'the boss' }, ['manager', 'timezone', 'start', 'length']],
    ['a start date that does not read and a length that does not either', { start: 'soon', length: '14 months', goal: '', pairing: false, onCall: false, delivery: false }, ['goal', 'start', 'length', 'ways']],
    ['an unknown team, a wrong manager and no goal', { team: 'Platform', manager: '@carol', goal: '' }, ['team', 'manager', 'goal']],
  ] as const)('%s are named in one reply, with every other problem', (_, answers, fields) => {
    expect(check(requestText(answers)).problems.map((p) => p.field)).toEqual(fields);
  });

  it('a start date counts as past with no readable zone only when it is past everywhere', () => {
    const late = checkRequest(parseRequest(requestText({ timezone: 'Mars/Olympus', start: '2026-03-31' })), 'ian', demoRoster(), new Date('2026-04-01T10:00:00.000Z'));
    expect(late.problems.map((p) => p.field)).toEqual(['timezone']);
  });

  it.each([
    ['its name as the roster writes it', 'Verify: Pipeline Execution'],
    ['its name in another case and spacing', 'verify:  pipeline execution'],
    ['its id', 'VERIFY'],
    ['another team of the roster', 'Scalability'],
  ])('a team written as %s is a roster team, shown with its roster name', (_, team) => {
    const { problems, request } = check(requestText({ team }));
    expect(problems).toEqual([]);
    expect(request?.team?.name).toBe(team === 'Scalability' ? 'Scalability' : 'Verify: Pipeline Execution');
  });

  it('no team written is the requester\'s team on the roster', () => {
    expect(check(requestText({ team: '' })).request?.team?.id).toBe('verify');
  });

  it.each(['@bob', 'bob', 'Bob Brown (@bob)'])('an on-call buddy written as %j is read as bob', (buddy) => {
    expect(check(requestText({ buddy })).request?.buddy).toBe('bob');
  });

  it('a missing time zone is taken from the roster, and the note will say so', () => {
    const { request } = check(requestText({ timezone: '' }));
    expect(request).toMatchObject({ timezone: 'Europe/Dublin', timezoneFromRoster: true });
  });

  it('someone who is not on the roster cannot be approved by anyone', () => {
    const { problems } = check(requestText(), 'stranger');
    expect(problems[0]).toMatchObject({ field: 'requester' });
    expect(problems[0]?.text).toContain('stranger (who opened this request) is not on the roster');
  });

  it('someone with no manager on the roster is told nobody can approve', () => {
    const { problems } = check(requestText({ manager: '@vera' }), 'grace');
    expect(problems.map((p) => p.field)).toEqual(['requester', 'manager']);
    expect(problems[0]?.text).toContain('names no manager for grace');
  });

  it('what the requester wrote is quoted inert in problems', () => {
    const { problems } = check(requestText({ manager: '@all /close', timezone: '<!-- x --> /label ~y' }));
    const text = problems.map((p) => p.text).join('\n');
    expect(text).not.toMatch(/(^|\s)@all\b/);
    expect(text).not.toMatch(/^\//m);
    expect(text).not.toContain('<!--');
  });
});

describe('dates, lengths and zones', () => {
  it.each([
    ['2026-05-04', '2026-05-04'],
    ['2026/5/4', '2026-05-04'],
    ['4 May 2026', '2026-05-04'],
    ['May 4th, 2026', '2026-05-04'],
    ['2026-05-04 (a Monday)', '2026-05-04'],
    ['2026-13-01', null],
    ['next Monday', null],
  ])('the start date %j reads as %j', (text, day) => {
    expect(parseDay(text)).toBe(day);
  });

  it.each([
    ['6 weeks', '2026-06-15', '6 weeks'],
    ['6w', '2026-06-15', '6 weeks'],
    ['about six weeks', '2026-06-15', '6 weeks'],
    ['1 week', '2026-05-11', '1 week'],
    ['30 days', '2026-06-03', '30 days'],
    ['3 months', '2026-08-04', '3 months'],
    ['a month', '2026-06-04', '1 month'],
  ])('the length %j from 2026-05-04 ends on %s', (text, end, read) => {
    expect(parseLength(text, '2026-05-04')).toEqual({ end, text: read });
  });

  it('a month from the 31st ends on the last day of the next month', () => {
    expect(parseLength('1 month', '2026-01-31')?.end).toBe('2026-02-28');
  });

  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['Asia/Kolkata (IST)', 'Asia/Kolkata'],
    ['UTC', 'UTC'],
    ['CET', null],
    ['UTC+2', null],
    ['America/New York', null],
  ])('the time zone %j reads as %j', (text, zone) => {
    expect(readTimezone(text)).toBe(zone);
  });
});
