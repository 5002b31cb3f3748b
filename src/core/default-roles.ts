import type { Role, RoleLevel } from './roster.js';

/**
 * The roles Trellis knows without configuration: for each, its ladder (the levels in order, each with
 * the responsibility areas a quarterly checkpoint picks two or three from, its requirements and its
 * nice-to-haves) and a flat list of areas for people whose level is not on the ladder. A department's
 * `.trellis/roles.yml` and the roster's `roles` replace or add to these by key.
 *
 * The per-level roles of earlier Trellis versions (`senior-site-reliability-engineer`, ...) stay as
 * keys of their own, sharing their family's ladder, so rosters written for them keep working.
 */

const SRE_LADDER: readonly RoleLevel[] = [
  {
    level: 'junior',
    title: 'Associate Site Reliability Engineer',
    responsibilities: [
      'Incident management and on-call shadowing',
      'Observability: dashboards, alerts and runbooks',
      'Automation and toil reduction',
      'Infrastructure as code and configuration management',
      'Learning the production platform (SRE I and SRE II training)',
      'Collaboration and communication across teams',
    ],
    requirements: [
      'Completes SRE I training and shadows on-call shifts',
      'Works on well-defined issues with guidance, asking for help early',
      'Keeps runbooks and documentation accurate as they learn',
      'Knows the basics of Linux, networking and one configuration management tool',
    ],
    niceToHave: ['Contributions to a GitLab project', 'Experience with Kubernetes or Terraform'],
  },
  {
    level: 'intermediate',
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
    requirements: [
      'Takes part in the on-call rotation and resolves incidents independently',
      'Delivers reliability issues end to end with little guidance',
      'Builds monitoring that alerts on symptoms, not on outages',
      'Automates recurring operational work and documents the why, not only the what',
      'Completes SRE I and SRE II training',
    ],
    niceToHave: ['Contributions to the GitLab codebase', 'A working knowledge of one of the platform databases'],
  },
  {
    level: 'senior',
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
    requirements: [
      'Leads incidents as incident manager and runs the incident reviews that follow',
      'Leads reliability projects across several services from design to rollout',
      'Defines service level objectives and uses error budgets to steer work',
      'Mentors engineers and onboards new team members',
      'Solves problems that span several parts of the stack without guidance',
    ],
    niceToHave: ['Talks or blog posts about running GitLab.com', 'Expertise in one area others come to them for'],
  },
  {
    level: 'staff',
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
    requirements: [
      'Sets the technical direction of a team or an area across teams',
      'Reviews architecture and designs for reliability before they ship',
      'Finds incident trends and turns them into quarter-long risk reduction',
      'Grows senior engineers through mentoring and sponsorship',
      'Shapes OKRs with Development and Product',
    ],
    niceToHave: ['Recognised externally for an area of expertise', 'Contributions that changed how other teams work'],
  },
  {
    level: 'principal',
    title: 'Principal Site Reliability Engineer',
    responsibilities: [
      'Department-wide technical direction',
      'Reliability and scalability strategy for the platform',
      'Architecture across Infrastructure and Development',
      'Risk management, disaster recovery and business continuity',
      'Sponsoring Staff engineers and technical leaders',
      'External influence: community, conferences and hiring',
    ],
    requirements: [
      'Sets the technical direction of the department for the coming years',
      'Owns the reliability and scalability strategy of the platform',
      'Leads architecture decisions across Infrastructure and Development',
      'Sponsors Staff engineers and technical leaders',
      'Represents the department externally',
    ],
    niceToHave: ['Industry recognition in reliability engineering'],
  },
];

const BACKEND_LADDER: readonly RoleLevel[] = [
  {
    level: 'intermediate',
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
    requirements: [
      'Delivers well-scoped features and fixes with tests and documentation',
      'Reviews code thoughtfully and takes review well',
      'Instruments the code they ship with metrics and logs',
      'Supports incidents in the services they own',
    ],
    niceToHave: ['Contributions to the GitLab codebase outside the team', 'Familiarity with Go or Ruby on Rails'],
  },
  {
    level: 'senior',
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
    requirements: [
      'Designs and leads changes that span several services',
      'Sets code review and testing standards for the team',
      'Finds and fixes performance and database problems before users do',
      'Drives corrective actions after incidents to completion',
      'Mentors and onboards engineers',
    ],
    niceToHave: ['Maintainer of a GitLab project', 'Talks or blog posts about the work'],
  },
  {
    level: 'staff',
    title: 'Staff Backend Engineer',
    responsibilities: [
      'Technical leadership across teams',
      'Architecture and design reviews',
      'Scalability of the application and its data stores',
      'Engineering productivity and release strategy',
      'Mentoring, sponsorship and growing senior engineers',
      'Cross-functional influence and OKRs',
    ],
    requirements: [
      'Sets the technical direction of a team or an area across teams',
      'Leads architecture reviews and the decisions that follow',
      'Plans the scalability of the application and its data stores',
      'Grows senior engineers through mentoring and sponsorship',
    ],
    niceToHave: ['Recognised externally for an area of expertise'],
  },
];

const MANAGER_LADDER: readonly RoleLevel[] = [
  {
    level: 'manager',
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
    requirements: [
      'Holds weekly 1:1s and quarterly checkpoints with every report',
      'Hires and onboards engineers for the team',
      'Delivers the team OKRs and keeps stakeholders informed',
      'Keeps on-call healthy and incident follow-up moving',
    ],
    niceToHave: ['Experience as an engineer in the team they manage'],
  },
  {
    level: 'senior manager',
    title: 'Senior Engineering Manager, Infrastructure',
    responsibilities: [
      'Managing managers and growing leaders',
      'Organisation design, hiring plans and budgets',
      'Reliability strategy and operational excellence',
      'Department OKRs and cross-functional alignment',
      'Career development and talent assessment',
      'Staff+ gearing and succession planning',
    ],
    requirements: [
      'Manages managers and grows them into leaders',
      'Designs the organisation and its hiring plan within budget',
      'Aligns several teams on department OKRs',
      'Runs talent assessment and succession planning for their teams',
    ],
    niceToHave: ['Led an organisation through a significant change'],
  },
  {
    level: 'director',
    title: 'Director of Engineering, Infrastructure',
    responsibilities: [
      'Infrastructure strategy and multi-year roadmap',
      'Organisation design and leadership hiring',
      'Budgets, vendors and cost efficiency',
      'Reliability and availability of the platform as a business commitment',
      'Cross-department alignment with Development, Product and Security',
      'Growing senior managers and Staff+ engineers',
    ],
    requirements: [
      'Owns the strategy and roadmap of Infrastructure',
      'Hires and grows senior managers',
      'Owns the budget and the cost of running the platform',
      'Represents Infrastructure to the rest of the company',
    ],
    niceToHave: ['External visibility for the department'],
  },
];

/** The built-in roles by key; see the module comment. */
export const DEFAULT_ROLES = deepFreeze({
  'associate-site-reliability-engineer': role(SRE_LADDER, 'junior'),
  'site-reliability-engineer': role(SRE_LADDER, 'intermediate'),
  'senior-site-reliability-engineer': role(SRE_LADDER, 'senior'),
  'staff-site-reliability-engineer': role(SRE_LADDER, 'staff'),
  'principal-site-reliability-engineer': role(SRE_LADDER, 'principal'),
  'backend-engineer': role(BACKEND_LADDER, 'intermediate'),
  'senior-backend-engineer': role(BACKEND_LADDER, 'senior'),
  'staff-backend-engineer': role(BACKEND_LADDER, 'staff'),
  'engineering-manager': role(MANAGER_LADDER, 'manager'),
  'senior-engineering-manager': role(MANAGER_LADDER, 'senior manager'),
}) satisfies Readonly<Record<string, Role>>;

/** A role named after one rung of `ladder`: its title and areas, and the whole ladder. */
function role(ladder: readonly RoleLevel[], level: string): Role {
  const rung = ladder.find((l) => l.level === level);
  if (!rung) throw new Error(`no level ${level} on the ladder`);
  return { title: rung.title, responsibilities: rung.responsibilities, levels: ladder };
}

function deepFreeze<T extends Record<string, Role>>(roles: T): Readonly<T> {
  for (const r of Object.values(roles)) {
    for (const l of r.levels ?? []) {
      for (const list of [l.responsibilities, l.requirements, l.niceToHave]) Object.freeze(list);
      Object.freeze(l);
    }
    Object.freeze(r.levels);
    Object.freeze(r.responsibilities);
    Object.freeze(r);
  }
  return Object.freeze(roles);
}
