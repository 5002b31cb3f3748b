/**
 * A fast reader for the plain YAML most Trellis files are written in: block mappings and lists,
 * one-line flow mappings and lists (`- { username: alice, team: sre }`), and one-line scalars.
 * The `yaml` package's Document keeps every node with its place in the file, which for a roster of
 * 10,000 people costs seconds and some 350 MB; this builds the data alone. It gives up (null) on
 * anything it is not sure to read exactly as `yaml` does (YAML 1.2, core schema): tabs, anchors,
 * tags, block scalars, multi-line scalars, duplicate keys, documents markers, number forms other
 * than plain decimals, and so on. yaml-document.ts then reads the file with `yaml`, which also
 * places every problem, so nothing this reader refuses is ever reported by it.
 */

/** The data of `text`, or null when this reader cannot be sure to read it as `yaml` would. */
export function readPlainYaml(text: string): { data: unknown } | null {
  // A file saved with CRLF line ends (a roster edited on Windows) reads as with LF: YAML normalises
  // both to one line feed (YAML 1.2.2, 5.4 "Line Break Characters"). A carriage return alone is left.
  const lf = text.includes('\r') ? text.replaceAll('\r\n', '\n') : text;
  // Tabs, carriage returns, a BOM, control and line-separator characters: all left to `yaml`.
  // eslint-disable-next-line no-control-regex -- these are the characters refused.
  if (/[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029\ufeff]/.test(lf)) return null;
  const lines: Line[] = [];
  for (const raw of lf.split('\n')) {
    const content = raw.trimStart();
    if (content === '' || content.startsWith('#')) continue;
    if (/^(?:---|\.\.\.)(?:\s|$)/.test(raw) || raw.startsWith('%')) return null;
    lines.push({ indent: raw.length - content.length, text: content });
  }
  if (lines.length === 0 || lines[0]?.indent !== 0) return null;
  try {
    const reader = new BlockReader(lines);
    const data = reader.node(0);
    return reader.done() ? { data } : null;
  } catch (err) {
    if (err instanceof GiveUp) return null;
    throw err;
  }
}

interface Line {
  readonly indent: number;
  readonly text: string;
}

/** Thrown to leave the file to `yaml`. */
class GiveUp extends Error {}

function giveUp(): never {
  throw new GiveUp();
}

// A key read as a string by the core schema; `__proto__` and the like are left to `yaml`.
const KEY = /^([A-Za-z_][A-Za-z0-9_.-]*):(?: |$)/;
const NOT_STRING_KEYS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '__proto__']);
// Characters that start something other than a plain scalar (or a plain scalar `yaml` may read otherwise).
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;

class BlockReader {
  private pos = 0;

  constructor(private readonly lines: Line[]) {}

  done(): boolean {
    return this.pos === this.lines.length;
  }

  /** The block node whose first line is the current one, at exactly `indent`. */
  node(indent: number): unknown {
    const line = this.lines[this.pos] ?? giveUp();
    if (line.indent !== indent) giveUp();
    if (isItem(line.text)) return this.sequence(indent);
    if (KEY.test(line.text)) return this.mapping(indent);
    return giveUp();
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let line = this.lines[this.pos]; line && line.indent >= indent; line = this.lines[this.pos]) {
      if (line.indent > indent) giveUp();
      const m = KEY.exec(line.text) ?? giveUp();
      const key = m[1] ?? giveUp();
      if (NOT_STRING_KEYS.has(key) || Object.hasOwn(out, key)) giveUp();
      const rest = stripComment(line.text.slice(m[0].length));
      this.pos++;
      if (rest !== '') {
        out[key] = inlineValue(rest);
        continue;
      }
      const next = this.lines[this.pos];
      if (next && next.indent > indent) out[key] = this.node(next.indent);
      else if (next && next.indent === indent && isItem(next.text)) out[key] = this.sequence(indent);
      else out[key] = null;
    }
    return out;
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    for (let line = this.lines[this.pos]; line && line.indent >= indent; line = this.lines[this.pos]) {
      if (line.indent > indent || !isItem(line.text)) {
        // A list at its parent key's indent ends where the parent's next key starts.
        if (line.indent === indent && KEY.test(line.text)) break;
        giveUp();
      }
      const after = line.text.slice(1);
      const content = after.trimStart();
      if (stripComment(content) === '' || isItem(content)) giveUp();
      if (KEY.test(content)) {
        // `- key: value`: a mapping whose keys line up with this first one.
        const itemIndent = indent + 1 + (after.length - content.length);
        this.lines[this.pos] = { indent: itemIndent, text: content };
        out.push(this.mapping(itemIndent));
      } else {
        out.push(inlineValue(stripComment(content)));
        this.pos++;
      }
    }
    return out;
  }
}

function isItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** `text` without a trailing ` # comment`, trimmed; quotes are not looked into (a `#` in one gives up later). */
function stripComment(text: string): string {
  const at = text.search(/(?:^|\s)#/);
  return (at === -1 ? text : text.slice(0, at)).trim();
}

/** A value on one line in block context: a flow collection, a quoted or a plain scalar. */
function inlineValue(text: string): unknown {
  const first = text[0];
  if (first === '{' || first === '[' || first === '"' || first === "'") {
    const flow = new FlowReader(text);
    const value = flow.value();
    if (!flow.atEnd()) giveUp();
    return value;
  }
  if (INDICATOR.test(text) || /:(?:\s|$)/.test(text)) giveUp();
  return plainScalar(text);
}

/** A plain scalar as the core schema reads it; number forms other than plain decimals are left to `yaml`. */
function plainScalar(text: string): unknown {
  if (text === '' || INDICATOR.test(text)) giveUp();
  if (/^(?:~|[Nn]ull|NULL)$/.test(text)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(text)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(text)) return false;
  if (/^(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?$/.test(text)) return Number(text);
  if (/^[-+.0-9]/.test(text)) giveUp();
  return text;
}

/** One line of flow YAML from its start: `{ a: b, c: [d, "e"] }`, or a quoted scalar. */
class FlowReader {
  private i = 0;

  constructor(private readonly s: string) {}

  atEnd(): boolean {
    this.spaces();
    return this.i === this.s.length;
  }

  value(): unknown {
    this.spaces();
    const c = this.s[this.i];
    if (c === '{') return this.mapping();
    if (c === '[') return this.sequence();
    if (c === '"') return this.doubleQuoted();
    if (c === "'") return this.singleQuoted();
    return this.plain();
  }

  private mapping(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    if (this.atEnd()) giveUp();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.spaces();
      const m = KEY.exec(this.s.slice(this.i)) ?? giveUp();
      const key = m[1] ?? giveUp();
      if (!m[0].endsWith(' ') || NOT_STRING_KEYS.has(key) || Object.hasOwn(out, key)) giveUp();
      this.i += m[0].length;
      out[key] = this.value();
      if (this.endOf('}')) return out;
    }
  }

  private sequence(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.spaces();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      if (this.endOf(']')) return out;
    }
  }

  /** After an entry: true at the closing bracket, false after a comma followed by another entry. */
  private endOf(close: string): boolean {
    this.spaces();
    const c = this.s[this.i];
    this.i++;
    if (c === close) return true;
    if (c !== ',') giveUp();
    this.spaces();
    // A trailing comma, or the line ending inside the collection.
    if (this.s[this.i] === close || this.i >= this.s.length) giveUp();
    return false;
  }

  private plain(): unknown {
    const start = this.i;
    while (this.i < this.s.length && !',[]{}'.includes(this.s[this.i] ?? '')) {
      const c = this.s[this.i];
      // `:` only as in a URL's `://`; a `#` after a space would start a comment.
      if (c === ':' && this.s[this.i + 1] !== '/') giveUp();
      if (c === '#' && this.s[this.i - 1] === ' ') giveUp();
      this.i++;
    }
    return plainScalar(this.s.slice(start, this.i).trimEnd());
  }

  private doubleQuoted(): string {
    let out = '';
    for (this.i++; this.i < this.s.length; this.i++) {
      const c = this.s[this.i];
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[++this.i];
      if (e === '\\' || e === '"' || e === '/') out += e;
      else if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'u' && /^[0-9A-Fa-f]{4}$/.test(this.s.slice(this.i + 1, this.i + 5))) {
        out += String.fromCharCode(parseInt(this.s.slice(this.i + 1, this.i + 5), 16));
        this.i += 4;
      } else giveUp();
    }
    return giveUp();
  }

  private singleQuoted(): string {
    let out = '';
    for (this.i++; this.i < this.s.length; this.i++) {
      const c = this.s[this.i];
      if (c !== "'") out += c;
      else if (this.s[this.i + 1] === "'") {
        out += "'";
        this.i++;
      } else {
        this.i++;
        return out;
      }
    }
    return giveUp();
  }

  private spaces(): void {
    while (this.s[this.i] === ' ') this.i++;
  }
}
