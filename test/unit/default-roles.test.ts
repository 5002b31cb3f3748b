import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLES } from '../../src/core/default-roles.js';

const roles = Object.entries(DEFAULT_ROLES);

describe('the built-in roles', () => {
  it.each([
    ['site-reliability-engineer'],
    ['senior-site-reliability-engineer'],
    ['staff-site-reliability-engineer'],
    ['backend-engineer'],
    ['engineering-manager'],
  ])('include %s', (key) => {
    expect(DEFAULT_ROLES).toHaveProperty(key);
  });

  it.each(roles)('%s offers five to eight distinct responsibility areas to choose two or three from', (_, role) => {
    expect(role.title.trim()).not.toBe('');
    expect(role.responsibilities.length).toBeGreaterThanOrEqual(5);
    expect(role.responsibilities.length).toBeLessThanOrEqual(8);
    expect(new Set(role.responsibilities).size).toBe(role.responsibilities.length);
  });

  it('cover what an SRE department expects of a site reliability engineer', () => {
    const areas = DEFAULT_ROLES['site-reliability-engineer'].responsibilities.join(' | ');
    for (const topic of [/incident/i, /on-call/i, /observability/i, /capacity/i, /toil/i, /reliability projects/i, /across teams/i]) {
      expect(areas).toMatch(topic);
    }
  });

  it('use keys that are safe in labels and links', () => {
    for (const [key] of roles) expect(key).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(DEFAULT_ROLES)).toBe(true);
    expect(roles.every(([, r]) => Object.isFrozen(r) && Object.isFrozen(r.responsibilities))).toBe(true);
  });
});
