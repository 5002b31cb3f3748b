import { describe, expect, it } from 'vitest';
import { containsQuickAction } from '../../src/core/markdown-safety.js';
import { identifyConversation, readConversation } from '../../src/workflows/conversation/conversation-record.js';
import { conversationTemplate, rawTemplate } from './checkpoint-fixtures.js';

const template = conversationTemplate();

/** The template with answers written under the headings named. */
function answered(answers: Record<string, string>): string {
  let text = template;
  for (const [anchor, answer] of Object.entries(answers)) text = text.replace(anchor, `${anchor}\n${answer}\n`);
  return text;
}

describe('the big-picture career conversation template', () => {
  it('follows the handbook framework in four parts', () => {
    const headings = template.split('\n').filter((l) => /^#{2,3} /.test(l));
    expect(headings).toEqual([
      '## Big picture career conversation',
      '## 1. What matters to you',
      '## 2. Your lighthouse',
      '## 3. Where you are now',
      '### Your current role, as you see it',
      '### Strengths',
      '### Weaknesses and gaps',
      '## 4. Action plan',
      '### Growing your network',
      '### Role development',
      '### Immediate next step',
      '### Learning',
    ]);
  });

  it('asks for three or four core values, the lighthouse at the company and beyond, a SMART plan and about 10% learning time', () => {
    expect(template).toContain('Name three or four core values');
    expect(template).toMatch(/1\.\n2\.\n3\.\n4\.\n/);
    expect(template).toContain('The pinnacle of your career');
    expect(template).toContain('At the company:');
    expect(template).toContain('Beyond the company:');
    expect(template).toContain('SMART: specific, measurable, achievable, relevant and time-bound');
    expect(template).toContain('Mentors who can teach you and sponsors who can open doors');
    expect(template).toContain('About 10% of your time');
  });

  it("carries the handbook's prompts: the pinnacle, where you are now, the immediate next step, values confirmed together", () => {
    for (const prompt of [
      'What do you spend your day doing?',
      'Who are you working with?',
      'What size of company',
      'What industry are you in?',
      'Are you a high-level individual contributor, or a manager?',
      '### Your current role, as you see it',
      '### Strengths',
      '### Weaknesses and gaps',
      'often the next level in your role, sometimes a lateral move',
      'you adjust them until you both\nagree they are yours',
    ]) {
      expect(template).toContain(prompt);
    }
  });

  it('labels and makes confidential an issue a person opens from the dropdown, but Trellis renders it without quick actions', () => {
    expect(rawTemplate('big-picture-conversation')).toMatch(/^\/label ~career-conversation$/m);
    expect(rawTemplate('big-picture-conversation')).toMatch(/^\/confidential$/m);
    expect(containsQuickAction(template)).toBe(false);
  });
});

describe("reading what a person wrote in their conversation", () => {
  it('the template alone has no answers: its questions are never taken for answers', () => {
    expect(readConversation(template, template)).toEqual({
      values: null,
      lighthouse: null,
      strengths: null,
      gaps: null,
      network: null,
      role: null,
      nextStep: null,
      learning: null,
      filledIn: false,
    });
  });

  it('values, lighthouse and each part of the plan are what the person added under them', () => {
    const text = answered({
      'Your lighthouse:\n': 'Run reliability for a platform millions rely on.',
      'reach out to them:\n': 'Ask Sam to mentor me on capacity planning by March.',
      'by when:\n': 'Kubernetes operators course, 4h a week, done by June.',
    }).replace('1.\n2.\n3.\n4.\n', '1. Curiosity\n2. Candour\n3.\n4.\n');
    expect(readConversation(text, template)).toMatchObject({
      values: '1. Curiosity\n2. Candour',
      lighthouse: 'Run reliability for a platform millions rely on.',
      network: 'Ask Sam to mentor me on capacity planning by March.',
      learning: 'Kubernetes operators course, 4h a week, done by June.',
      strengths: null,
      filledIn: true,
    });
  });

  it('an answer written on the prompt line is the answer without the prompt, so no prompt lands in a quote', () => {
    const text = template.replace('Your lighthouse:\n', 'Your lighthouse: lead the #production on-call rotation\n');
    expect(readConversation(text, template).lighthouse).toBe('lead the #production on-call rotation');
  });

  it('a renumbered heading is still found, and comments are not answers', () => {
    const text = template.replace('## 2. Your lighthouse', '## Lighthouse (mine)').replace('Your lighthouse:\n', 'Your lighthouse:\n<!-- later -->\nTeach SRE.\n');
    expect(readConversation(text, template).lighthouse).toBe('Teach SRE.');
  });
});

describe('what a conversation issue is', () => {
  it.each([
    ['by its marker', { title: 'anything', description: 'x\n<!-- trellis:big-picture:alice -->' }, 'alice'],
    ['by its title, when a person opened it from the template', { title: 'Big picture career conversation: @bob', description: '' }, 'bob'],
    ['by a title in another case', { title: 'big picture career conversation: @bob.b', description: '' }, 'bob.b'],
  ])('is recognised %s', (_how, issue, who) => {
    expect(identifyConversation(issue)).toEqual({ person: who });
  });

  it('any other issue is not a conversation', () => {
    expect(identifyConversation({ title: 'Big picture career conversation for the team', description: '' })).toBeNull();
  });
});
