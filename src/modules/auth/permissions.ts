import type { Role } from './roles.ts';

/**
 * What each role may do. Every API route names one of these permissions (the server refuses to start with a
 * route that names none), so this table is the whole authorisation policy at a glance. Which *records* a user
 * may touch is decided separately by their organisation scope (scope.ts), inside the queries.
 */
export const PERMISSIONS = {
  'organisation.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  'organisation.write': ['admin', 'department'],
  'user.read': ['admin'],
  'user.write': ['admin'],
  'audit.read': ['admin'],
  /** The rules in force, the competent bodies and the working-day calendar: everyone reads them. */
  'rules.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  /** A province's own rule versions, bodies and calendar days. */
  'rules.write': ['admin'],
  /** Information systems, level dossiers, security plans, 4 layers, targets (records limited by scope). */
  'system.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  'system.write': ['admin', 'department', 'agency'],
  /** Dossier steps of the agency (create, submit, resubmit) and of the Department (accept, return, approve). */
  'dossier.prepare': ['admin', 'agency'],
  'dossier.appraise': ['admin', 'department'],
  /** Routes both sides use (transitions, attachments); the step itself then needs prepare or appraise. */
  'dossier.work': ['admin', 'department', 'agency'],
  'target.write': ['admin', 'department'],
  /** Computers, websites, findings and their figures, within the caller's scope. */
  'vuln.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  /** Import scanner reports and the KEV catalogue; assign unattributed computers and websites. */
  'vuln.import': ['admin', 'soc'],
  /** Mark own findings fixed / request accepted risk or false positive; approvers decide (checked in the service). */
  'vuln.remediate': ['admin', 'department', 'soc', 'agency'],
  'vuln.policy': ['admin', 'department'],
  /** Scanners and malicious contacts and the period statement, within the caller's scope. */
  'soc.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  /** Feed logs and threat intelligence; triage findings. */
  'soc.ingest': ['admin', 'soc'],
  'soc.triage': ['admin', 'soc'],
  /** Advisories (cảnh báo) and their targets, within the caller's scope (an agency sees its own part). */
  'advisory.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  /** Take in, target, publish and close advisories; decide risk acceptances (the Department, checked in the service). */
  'advisory.write': ['admin', 'department', 'soc'],
  /** Acknowledge an advisory and report the action taken per target, for one's own organisation. */
  'advisory.respond': ['admin', 'department', 'agency'],
  /** Incidents (sự cố) within the caller's scope; the response team's roster and rota. */
  'incident.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  /** Report an incident of one's organisation and record its response (steps, tasks, evidence, forms). */
  'incident.report': ['admin', 'department', 'soc', 'agency'],
  /** Coordinate every incident: severity, closing, the statutory reports. */
  'incident.manage': ['admin', 'department', 'soc'],
  /** The provincial response team: members, contacts, on-call rota. */
  'team.write': ['admin', 'department'],
  /** The register of officials in charge of digital transformation and information security (within scope). */
  'staff.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  /** Keep one's organisations' officials (an agency its own; the Department every one); import the register. */
  'staff.write': ['admin', 'department', 'agency'],
  /** Drills (diễn tập) and their targets, within scope. */
  'drill.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  /** Plan drills, record attendance, scores, findings and lessons. */
  'drill.write': ['admin', 'department'],
  /** Report progress on a drill's remediation task assigned to one's organisation (the Department sets its due day). */
  'drill.remediate': ['admin', 'department', 'agency'],
  /** Official reports (six-month, annual by level, monitoring, inspection conclusions) of the units in scope. */
  'report.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  /** Draft, approve (never one's own draft, checked in the service) and issue reports of one's units. */
  'report.write': ['admin', 'department', 'agency'],
  /** Inspection plans, inspections, checklists, findings and conclusions that concern one's scope. */
  'inspection.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  /** Plan and carry out inspections, record findings, accept or return an agency's remediation. */
  'inspection.write': ['admin', 'department'],
  /** Answer a finding of one's own organisation (checked in the service). */
  'inspection.respond': ['admin', 'department', 'agency'],
  /** Phishing exercises: results per organisation (per person only for those who run them). */
  'phishing.read': ['admin', 'department', 'agency', 'viewer'],
  /** Draft a phishing exercise and its recipients. */
  'phishing.write': ['admin', 'department'],
  /** Approve and launch a phishing exercise (never one's own draft, checked in the service). */
  'phishing.approve': ['admin', 'department'],
  /** Anti-fraud awareness campaigns, activities and coverage per commune, within scope. */
  'awareness.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  /** Record awareness activities of one's communes (the Department: campaigns, population). */
  'awareness.write': ['admin', 'department', 'agency'],
  /** The register of agency domains and websites with their trust checks, within scope. */
  'site.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  /** Register one's organisations' domains and websites. */
  'site.write': ['admin', 'department', 'agency'],
  /** Run the trust checks of sites in scope now. */
  'site.check': ['admin', 'department', 'soc', 'agency'],
  /** The .vn programme's indicators by period (import). */
  'site.programme': ['admin', 'department'],
  /** The residents' page: fraud warnings (draft → published), guidance, the scam-report queue. */
  'resident.manage': ['admin', 'department'],
  /** The leaders' dashboard: the orders' tasks and their figures as of a day, within scope. */
  'oversight.read': ['admin', 'department', 'soc', 'agency', 'viewer'],
  /** Keep the orders' tasks (dated) and record the progress of tasks counted by hand. */
  'oversight.write': ['admin', 'department'],
  /** One's own account: profile, password, TOTP, API tokens, logout. */
  self: ['admin', 'department', 'soc', 'agency', 'viewer'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export const can = (role: Role, permission: Permission) => (PERMISSIONS[permission] as readonly Role[]).includes(role);
