/** The simulator's clock: real time, or a frozen instant set by tests and benchmarks. */
export interface SimClock {
  now(): Date;
  /** ISO time to freeze at, or null for real time. */
  set(iso: string | null): void;
  frozen(): boolean;
}

/** A clock that starts on real time. */
export function createClock(): SimClock {
  let fixed: Date | null = null;
  return {
    now: () => (fixed ? new Date(fixed.getTime()) : new Date()),
    set(iso) {
      if (iso === null) {
        fixed = null;
        return;
      }
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) throw new Error(`invalid time: ${iso}`);
      fixed = d;
    },
    frozen: () => fixed !== null,
  };
}

/** API format: `2024-01-02T03:04:05.000Z`, as GitLab's Grape entities render times. */
export function apiTime(d: Date): string {
  return d.toISOString();
}

/**
 * Webhook format: `2024-01-02 03:04:05 UTC`. Hook data passes through Sidekiq's JSON, which
 * renders Ruby times with `Time#to_s`, so real deliveries carry this form, not ISO 8601.
 */
export function hookTime(iso: string | null): string | null {
  if (iso === null) return null;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
