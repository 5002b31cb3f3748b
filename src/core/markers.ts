/**
 * Hidden markers: every issue and note Trellis writes carries one, so Trellis finds its own records
 * again by reading GitLab (docs/architecture.md#principles, principle 4). A marker is an HTML comment, invisible in GitLab's
 * rendered Markdown: `<!-- trellis:checkpoint:FY27-Q4/alice -->`.
 */
export interface Marker {
  /** What the record is: `checkpoint`, `sre-i`, `status`, `reply`, ... (lowercase, digits, dashes). */
  readonly kind: string;
  /** Which one: `FY27-Q4/alice`, `1241`, ... (no whitespace, no `-->`). */
  readonly key: string;
}

const KIND = /^[a-z0-9][a-z0-9-]*$/;
const KEY = /^[A-Za-z0-9._/@:+=-]+$/;
const FIND = /<!-- trellis:([a-z0-9][a-z0-9-]*):([A-Za-z0-9._/@:+=-]+) -->/g;

/** Builds a marker, rejecting kinds or keys that could not be read back. */
export function marker(kind: string, key: string): Marker {
  if (!KIND.test(kind)) throw new Error(`marker kind ${JSON.stringify(kind)} must be lowercase letters, digits and dashes`);
  if (!KEY.test(key)) throw new Error(`marker key ${JSON.stringify(key)} has characters a marker cannot hold`);
  return { kind, key };
}

/** The HTML comment for a marker. */
export function renderMarker(m: Marker): string {
  return `<!-- trellis:${m.kind}:${m.key} -->`;
}

/** Every marker in a text, in order. */
export function findMarkers(text: string | null | undefined): Marker[] {
  if (!text) return [];
  return [...text.matchAll(FIND)].map((m) => ({ kind: m[1] ?? '', key: m[2] ?? '' }));
}

/** True when `text` carries exactly this marker. */
export function hasMarker(text: string | null | undefined, m: Marker): boolean {
  return !!text && text.includes(renderMarker(m));
}

/** A stable string for maps and Redis keys. */
export function markerId(m: Marker): string {
  return `${m.kind}:${m.key}`;
}
