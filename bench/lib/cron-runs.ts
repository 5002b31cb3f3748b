/**
 * How often a five-field cron pattern (minute hour day-of-month month day-of-week; `*`, lists,
 * ranges and steps) fires an hour on average, counted minute by minute over a non-leap year. When
 * both day fields are restricted, either matching fires (cron's rule). Unknown syntax counts as never.
 */
export function runsPerHour(pattern: string): number {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length !== 5) return 0;
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const m = values(minute, 0, 59);
  const h = values(hour, 0, 23);
  const d = values(dom, 1, 31);
  const mo = values(month, 1, 12);
  const w = values(dow.replace(/\b7\b/g, '0'), 0, 6);
  if (!m || !h || !d || !mo || !w) return 0;
  const perDay = m.size * h.size;
  let days = 0;
  const start = Date.UTC(2027, 0, 1);
  for (let i = 0; i < 365; i++) {
    const day = new Date(start + i * 86_400_000);
    if (!mo.has(day.getUTCMonth() + 1)) continue;
    const domOk = d.has(day.getUTCDate());
    const dowOk = w.has(day.getUTCDay());
    const restricted = dom !== '*' && dow !== '*';
    if (restricted ? domOk || dowOk : domOk && dowOk) days++;
  }
  return (days * perDay) / (365 * 24);
}

function values(field: string, lo: number, hi: number): Set<number> | null {
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!match) return null;
    const from = match[1] === '*' ? lo : Number(match[1]);
    const to = match[2] !== undefined ? Number(match[2]) : match[1] === '*' || match[3] !== undefined ? hi : from;
    const step = match[3] !== undefined ? Number(match[3]) : 1;
    for (let v = from; v <= to; v += step) if (v >= lo && v <= hi) out.add(v);
  }
  return out;
}
