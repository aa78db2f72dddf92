// Every module's tables, gathered for Drizzle (queries and `drizzle-kit generate`). Add a module's schema here.
export * from '../../modules/advisories/advisories.schema.ts';
export * from '../../modules/audit/audit.schema.ts';
export * from '../../modules/auth/auth.schema.ts';
export * from '../../modules/awareness/awareness.schema.ts';
export * from '../../modules/drills/drills.schema.ts';
export * from '../../modules/incidents/incidents.schema.ts';
export * from '../../modules/notifications/notifications.schema.ts';
export * from '../../modules/organisations/organisations.schema.ts';
export * from '../../modules/phishing/phishing.schema.ts';
export * from '../../modules/residents/residents.schema.ts';
export * from '../../modules/rules/rules.schema.ts';
export * from '../../modules/sites/sites.schema.ts';
export * from '../../modules/soc/soc.schema.ts';
export * from '../../modules/staff/staff.schema.ts';
export * from '../../modules/systems/systems.schema.ts';
export * from '../../modules/vulnerabilities/vulnerabilities.schema.ts';
