import type { Role } from './roster.js';

/**
 * The roles Trellis knows without configuration, with the responsibility areas a quarterly
 * checkpoint picks two or three from. A roster's `roles` section replaces or adds to these by key.
 * The areas are what an Infrastructure (SRE) department expects at each level; managers and
 * directors tune them in the roster.
 */
export const DEFAULT_ROLES = deepFreeze({
  'associate-site-reliability-engineer': {
    title: 'Associate Site Reliability Engineer',
    responsibilities: [
      'Incident management and on-call shadowing',
      'Observability: dashboards, alerts and runbooks',
      'Automation and toil reduction',
      'Infrastructure as code and configuration management',
      'Learning the production platform (SRE I and SRE II training)',
      'Collaboration and communication across teams',
    ],
  },
  'site-reliability-engineer': {
    title: 'Site Reliability Engineer',
    responsibilities: [
      'Incident management and on-call',
      'Observability: metrics, logging, tracing and alerting',
      'Capacity planning and performance',
      'Automation and toil reduction',
      'Reliability projects and change management',
      'Infrastructure as code and configuration management',
      'Collaboration and communication across teams',
    ],
  },
  'senior-site-reliability-engineer': {
    title: 'Senior Site Reliability Engineer',
    responsibilities: [
      'Incident leadership, on-call and incident reviews',
      'Observability and service level objectives (SLOs and error budgets)',
      'Capacity planning, scalability and performance',
      'Automation and toil elimination at scale',
      'Leading reliability projects end to end',
      'Mentoring and onboarding engineers',
      'Collaboration with Development and Product teams',
    ],
  },
  'staff-site-reliability-engineer': {
    title: 'Staff Site Reliability Engineer',
    responsibilities: [
      'Technical leadership across teams',
      'Architecture and design reviews for reliability',
      'Service level objectives and reliability strategy',
      'Capacity and scalability planning for the platform',
      'Incident trends, readiness reviews and risk reduction',
      'Mentoring, sponsorship and growing senior engineers',
      'Cross-functional influence and OKRs',
    ],
  },
  'principal-site-reliability-engineer': {
    title: 'Principal Site Reliability Engineer',
    responsibilities: [
      'Department-wide technical direction',
      'Reliability and scalability strategy for the platform',
      'Architecture across Infrastructure and Development',
      'Risk management, disaster recovery and business continuity',
      'Sponsoring Staff engineers and technical leaders',
      'External influence: community, conferences and hiring',
    ],
  },
  'backend-engineer': {
    title: 'Backend Engineer',
    responsibilities: [
      'Delivering features and fixes for Infrastructure tooling',
      'Code quality, testing and code review',
      'Performance and scalability of services',
      'Observability of the code they ship',
      'Deployment pipelines and release tooling (Delivery)',
      'Incident support and on-call for owned services',
      'Collaboration and communication across teams',
    ],
  },
  'senior-backend-engineer': {
    title: 'Senior Backend Engineer',
    responsibilities: [
      'Designing and leading larger changes end to end',
      'Code review standards, testing strategy and maintainability',
      'Performance, scalability and database health',
      'Release and deployment reliability (Delivery)',
      'Incident response and follow-up corrective actions',
      'Mentoring and onboarding engineers',
      'Collaboration with SRE, Product and Development teams',
    ],
  },
  'staff-backend-engineer': {
    title: 'Staff Backend Engineer',
    responsibilities: [
      'Technical leadership across teams',
      'Architecture and design reviews',
      'Scalability of the application and its data stores',
      'Engineering productivity and release strategy',
      'Mentoring, sponsorship and growing senior engineers',
      'Cross-functional influence and OKRs',
    ],
  },
  'engineering-manager': {
    title: 'Engineering Manager, Infrastructure',
    responsibilities: [
      'Team health, hiring and onboarding',
      'Career development: 1:1s, checkpoints and feedback',
      'Delivery of team OKRs and roadmap',
      'Operational excellence: on-call health and incident follow-up',
      'Capacity planning and prioritisation',
      'Cross-team collaboration and stakeholder communication',
      'Building an inclusive and diverse team',
    ],
  },
  'senior-engineering-manager': {
    title: 'Senior Engineering Manager, Infrastructure',
    responsibilities: [
      'Managing managers and growing leaders',
      'Organisation design, hiring plans and budgets',
      'Reliability strategy and operational excellence',
      'Department OKRs and cross-functional alignment',
      'Career development and talent assessment',
      'Staff+ gearing and succession planning',
    ],
  },
}) satisfies Readonly<Record<string, Role>>;

function deepFreeze<T extends Record<string, Role>>(roles: T): Readonly<T> {
  for (const role of Object.values(roles)) {
    Object.freeze(role.responsibilities);
    Object.freeze(role);
  }
  return Object.freeze(roles);
}
