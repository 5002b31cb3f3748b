/** What a person writes into the internship request template. */
export interface RequestAnswers {
  readonly team: string;
  readonly role: string;
  readonly manager: string;
  readonly timezone: string;
  /** YYYY-MM-DD */
  readonly start: string;
  readonly length: string;
  readonly share: string;
  readonly goal: string;
  readonly pairing: string;
  readonly onCall: boolean;
  readonly delivery: boolean;
  readonly systems: readonly string[];
}

/**
 * The "Internship request" template filled in the way it asks: answers after the colons, the goal
 * under its heading, ticks in the boxes. The quick-action line stays, as when a person saves it.
 */
export function fillRequest(template: string, a: RequestAnswers): string {
  const fields: Array<[string, string]> = [
    ['- Team:', a.team],
    ['- Role:', a.role],
    ['- Current manager:', a.manager],
    ['- Timezone:', a.timezone],
    ['- Proposed start date:', a.start],
    ['- Length:', a.length],
    ['- Share of time:', a.share],
  ];
  return template
    .split('\n')
    .map((line) => {
      const answered = fields.find(([label]) => line.startsWith(label));
      if (answered) return `${answered[0]} ${answered[1]}`;
      if (line.startsWith('- [ ] Pair on')) return a.pairing ? `- [x] Pair on an issue or OKR: ${a.pairing}` : line;
      if (line.startsWith('- [ ] Shadow on-call')) return a.onCall ? line.replace('[ ]', '[x]') : line;
      if (line.startsWith('- [ ] Shadow the Delivery')) return a.delivery ? line.replace('[ ]', '[x]') : line;
      if (line.startsWith('<!-- A few sentences')) return a.goal;
      if (line.trim() === '-') return a.systems.map((s) => `- ${s}`).join('\n');
      return line;
    })
    .join('\n');
}

/** The Monday at least `weeks` weeks after `now` (UTC), as YYYY-MM-DD: a start date that is never in the past. */
export function mondayAfter(now: Date, weeks: number): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + weeks * 7));
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7));
  return d.toISOString().slice(0, 10);
}
