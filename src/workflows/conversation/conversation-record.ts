import { findMarkers, marker } from '../../core/markers.js';
import type { Marker } from '../../core/markers.js';
import type { Issue } from '../../core/gitlab-port.js';

/**
 * What a big-picture career conversation is in GitLab: one confidential issue per person, titled
 * `Big picture career conversation: @alice`, labelled `career-conversation`, assigned to the person
 * and their manager, written from issue_templates/big-picture-conversation.md. Pure.
 */

export const CONVERSATION_LABEL = 'career-conversation';
export const CONVERSATION_TEMPLATE = 'big-picture-conversation';

/** `Big picture career conversation: @alice` */
export function conversationTitle(person: string): string {
  return `Big picture career conversation: @${person}`;
}

/** The marker of the conversation Trellis creates for a person: `big-picture:alice`. */
export function conversationMarker(person: string): Marker {
  return marker('big-picture', person);
}

const TITLE = /^\s*big picture career conversation:\s*@([A-Za-z0-9_.][A-Za-z0-9_.-]*)\s*$/i;

/**
 * Whose conversation an issue is: by Trellis's marker, or by the canonical title when a person
 * opened it from the template. Null for any other issue.
 */
export function identifyConversation(issue: Pick<Issue, 'title' | 'description'>): { person: string } | null {
  const m = findMarkers(issue.description).find((x) => x.kind === 'big-picture');
  if (m) return { person: m.key };
  const t = TITLE.exec(issue.title);
  return t?.[1] ? { person: t[1] } : null;
}

/** The parts of the handbook's framework, in order, and the headings that introduce them. */
export const CONVERSATION_PARTS = [
  { key: 'values', name: 'What matters to you (core values)', heading: /what matters/i },
  { key: 'lighthouse', name: 'Your lighthouse', heading: /lighthouse/i },
  { key: 'strengths', name: 'Strengths', heading: /strengths/i },
  { key: 'gaps', name: 'Gaps', heading: /\bgaps\b/i },
  { key: 'network', name: 'Growing your network', heading: /network/i },
  { key: 'role', name: 'Role development', heading: /role development/i },
  { key: 'nextStep', name: 'Immediate next step', heading: /next step/i },
  { key: 'learning', name: 'Learning', heading: /learning/i },
] as const;

export type ConversationPart = (typeof CONVERSATION_PARTS)[number]['key'];

/** What a person wrote in each part (null where they wrote nothing yet). */
export type ConversationReading = Readonly<Record<ConversationPart, string | null>> & { readonly filledIn: boolean };

/**
 * What the person wrote in each part of their conversation: the lines of each part that are not
 * the template's own (its questions and empty list items), so prompts are never taken for answers.
 * `template` is the template as Trellis renders it.
 */
export function readConversation(description: string, template: string): ConversationReading {
  const mine = partsOf(description);
  const theirs = partsOf(template);
  const answer = (key: ConversationPart): string | null => {
    const prompts = new Set((theirs.get(key) ?? []).map((l) => l.trim()));
    // A fill-in prompt ("Your lighthouse:") may have the answer written on its own line: keep only the answer.
    const fillIns = [...prompts].filter((p) => p.endsWith(':'));
    const withoutPrompt = (line: string): string => {
      const prompt = fillIns.find((p) => line.trim().startsWith(p));
      return prompt ? line.trim().slice(prompt.length).trim() : line;
    };
    const lines = (mine.get(key) ?? [])
      .filter((l) => !prompts.has(l.trim()))
      .map(withoutPrompt)
      .filter((l) => !/^\s*(?:\d+[.)]|[-*+])?\s*$/.test(l));
    const text = lines.join('\n').trim();
    return text === '' ? null : text;
  };
  const parts = {
    values: answer('values'),
    lighthouse: answer('lighthouse'),
    strengths: answer('strengths'),
    gaps: answer('gaps'),
    network: answer('network'),
    role: answer('role'),
    nextStep: answer('nextStep'),
    learning: answer('learning'),
  } satisfies Record<ConversationPart, string | null>;
  return { ...parts, filledIn: Object.values(parts).some((v) => v !== null) };
}

/** The lines under each part's heading, up to the next heading; comments and code fences left out. */
function partsOf(text: string): Map<ConversationPart, string[]> {
  const out = new Map<ConversationPart, string[]>();
  let current: string[] | null = null;
  let fence = false;
  const clean = text.replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  for (const line of clean.split(/\r\n|\r|\n/)) {
    if (/^\s*(?:`{3,}|~{3,})/.test(line)) fence = !fence;
    const heading = fence ? null : /^ {0,3}#{1,6}[ \t]+(.*)$/.exec(line);
    if (heading) {
      const part = CONVERSATION_PARTS.find((p) => p.heading.test(heading[1] ?? ''));
      current = part && !out.has(part.key) ? [] : null;
      if (part && current) out.set(part.key, current);
      continue;
    }
    current?.push(line);
  }
  return out;
}
