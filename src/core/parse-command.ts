/**
 * Commands people write to Trellis in a note: a line starting with `@<bot> <command> [args]`
 * (docs/architecture.md#contracts, "Commands"). Lines inside code blocks or blockquotes are not commands, so quoting a
 * command to explain it never runs it.
 */
export interface Command {
  /** Lowercased command word: `start`, `sign-off`, `decline`, ... */
  readonly name: string;
  /** Whitespace-separated words after the command, as written. */
  readonly args: readonly string[];
  /** Everything after the command word on that line, trimmed (a decline reason keeps its spaces). */
  readonly rest: string;
}

/** Every command addressed to `bot` in a note body, in order. */
export function parseCommands(body: string, bot: string): Command[] {
  const out: Command[] = [];
  const mention = `@${bot.toLowerCase()}`;
  let fence: string | null = null;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    const fenceMatch = /^(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      const mark = fenceMatch[1] ?? '';
      if (fence === null) fence = mark;
      else if (mark[0] === fence[0] && mark.length >= fence.length) fence = null;
      continue;
    }
    if (fence !== null || line.startsWith('>')) continue;
    if (!line.toLowerCase().startsWith(mention)) continue;
    const after = line.slice(mention.length);
    if (after !== '' && !/^\s/.test(after)) continue; // @trellis-botx is someone else
    const words = after.trim().split(/\s+/).filter(Boolean);
    const [name, ...args] = words;
    if (!name) continue;
    out.push({ name: name.toLowerCase(), args, rest: after.trim().slice(name.length).trim() });
  }
  return out;
}

/** The username an argument names (`@alice` or `alice`), or null when it is not a username. */
export function usernameArg(arg: string | undefined): string | null {
  if (!arg) return null;
  const name = arg.replace(/^@/, '');
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) ? name : null;
}
