import { parseRoster, formatRosterErrors } from '../../src/core/parse-roster.ts';
const good = `fiscal_year_start_month: 2
timezone: UTC
teams:
  - id: reliability-foundations
    name: "Reliability: Foundations"
    kind: sre
    manager: carol
people:
  - username: carol
    name: Carol C
    team: reliability-foundations
    role: engineering-manager
    level: manager
    timezone: America/New_York
  - username: alice
    name: Alice Adams
    manager: carol
    team: reliability-foundations
    role: site-reliability-engineer
    level: intermediate
    timezone: Europe/Berlin
    on_call: true
    efw: https://example.com/efw/alice
internships:
  notify: [carol]
  access_requests_project: infra/access-requests
gearing: { delivery: 2 }
review_dates: ["03-01", "09-01"]
roles:
  site-reliability-engineer:
    title: SRE
`;
const r = parseRoster(good, 'roster.yml');
console.log(r.ok ? JSON.stringify({ ...r.roster, roles: Object.keys(r.roster.roles) }, null, 1) : formatRosterErrors(r.errors));
const bad = good.replace('manager: carol\n    team: reliability-foundations\n    role: site', 'manager: zed\n    team: nope\n    role: site').replace('on_call: true', 'onCall: true\n    extra: 1').replace('Europe/Berlin', 'europe/berlin').replace('https://example.com/efw/alice', 'ftp://x').replace('"09-01"', '"02-30"').replace('notify: [carol]', 'notify: [carol, "bad name"]').replace('fiscal_year_start_month: 2', 'fiscal_year_start_month: 13');
const b = parseRoster(bad, 'roster.yml'); if (!b.ok) console.log(formatRosterErrors(b.errors));
const cyc = good.replace('    role: engineering-manager', '    manager: alice\n    role: engineering-manager');
const c = parseRoster(cyc, 'roster.yml'); if (!c.ok) console.log(formatRosterErrors(c.errors));
for (const t of ['', 'a: [1', 'people: 3', '- 1', 'fiscal_year_start_month: 2\nfiscal_year_start_month: 3', 'x: *a']) { const e = parseRoster(t, 'r.yml'); if (!e.ok) console.log(formatRosterErrors(e.errors)); }
const miss = good.replace('    name: Alice Adams\n', '').replace('roles:\n  site-reliability-engineer:\n    title: SRE', 'roles:\n  new-role:\n    title: X\n  "bad key": { title: y, responsibilities: [a] }');
const m = parseRoster(miss, 'roster.yml'); if (!m.ok) console.log(formatRosterErrors(m.errors));
