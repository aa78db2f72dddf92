// Value lists of advisories, dependency-free: the schema, the contract and the web forms share them.

/** Where an advisory came from: typed in, a CSAF 2.0 document, a CVE JSON 5 record. */
export const ADVISORY_SOURCES = ['manual', 'csaf', 'cve'] as const;
export type AdvisorySource = (typeof ADVISORY_SOURCES)[number];

/** draft (being prepared, nobody notified) → published (targets notified, clocks run) → closed. */
export const ADVISORY_STATES = ['draft', 'published', 'closed'] as const;
export type AdvisoryState = (typeof ADVISORY_STATES)[number];

/** A product's status in the advisory (CSAF `product_status` groups, reduced to what targeting needs). */
export const PRODUCT_STATUSES = ['known_affected', 'fixed', 'not_affected', 'under_investigation'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** Why a target is concerned: a system component, software a scan saw, an open finding, or added by hand. */
export const TARGET_REASONS = ['component', 'software', 'finding', 'organisation', 'cidr'] as const;
export type TargetReason = (typeof TARGET_REASONS)[number];

/** The agency's answer per target; risk_accepted needs the Department's approval. */
export const TARGET_RESPONSES = ['pending', 'patched', 'mitigated', 'not_affected', 'risk_accepted'] as const;
export type TargetResponse = (typeof TARGET_RESPONSES)[number];
