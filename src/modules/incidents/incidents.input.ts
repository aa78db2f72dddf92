// Value lists of incidents and the response team, dependency-free: the schema, the contract and the web share them.

/**
 * open (reported, being verified) → responding → responded (the response ended; the closing report, form 04, is
 * due within the rule's days) → closed (only with form 04 issued, QĐ 05/2017 Art. 14).
 */
export const INCIDENT_STATES = ['open', 'responding', 'responded', 'closed'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/** Sự cố nghiêm trọng / thông thường (QĐ 05/2017 Art. 3). */
export const INCIDENT_SEVERITIES = ['serious', 'normal'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

export const INCIDENT_SOURCES = ['manual', 'soc', 'vulnerability'] as const;
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];

/** The attack types of the initial report (TT 20/2017, form 03). */
export const INCIDENT_TYPES = [
  'dos',
  'spoofing',
  'malware',
  'unauthorised_access',
  'defacement',
  'encryption',
  'destruction',
  'espionage',
  'combined',
  'other',
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/**
 * The consequences that make an incident on a level-4/5 or critical system serious when the owner cannot cope
 * (QĐ 05/2017 Art. 3): outage, leak of state secrets, data that cannot be recovered, loss of control, cascading harm.
 */
export const SEVERITY_FACTORS = [
  'outage',
  'secret_leak',
  'data_unrecoverable',
  'loss_of_control',
  'cascading',
] as const;
export type SeverityFactor = (typeof SEVERITY_FACTORS)[number];

/** Response steps (TT 20/2017 Art. 11), in order. */
export const RESPONSE_STEPS = [
  'receive_verify',
  'first_actions',
  'plan',
  'report_coordinate',
  'contain',
  'eradicate_recover',
  'lessons',
] as const;
export type ResponseStep = (typeof RESPONSE_STEPS)[number];

/** The statutory forms (TT 20/2017 annexes): member profile, registration, initial, closing, periodic report. */
export const INCIDENT_FORMS = ['01', '02', '03', '04', '05'] as const;
export type IncidentForm = (typeof INCIDENT_FORMS)[number];

export const TEAM_ROLES = ['lead', 'deputy', 'member', 'liaison'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];
