import { z } from 'zod';

/**
 * Request bodies of the vulnerability routes. The web forms validate with these same schemas, so this file imports
 * nothing but zod (and may import src/core/contract.ts): no server code reaches the browser bundle.
 *
 * Messages are keys the UI translates (`errors.<key>`, texts in src/web/i18n/vulnerabilities/); API clients read the
 * field path and the key.
 */

const note = z.string().trim().max(2000, { error: 'vuln.reasonTooLong' });
/** Accepted risk and false positive must be justified. */
const justification = z
  .string({ error: 'vuln.reasonRequired' })
  .trim()
  .min(5, { error: 'vuln.reasonRequired' })
  .max(2000, { error: 'vuln.reasonTooLong' });

/**
 * A status change: `fixed` (the next scan confirms it), `accepted` (risk accepted until a day; the Department
 * decides), `false_positive` (the SOC decides), `open` (the SOC reopens by hand). Who may ask for what is in the
 * finding's `actions`.
 */
export const ZStatusChange = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('fixed'), reason: note.optional() }),
    z.object({
      status: z.literal('accepted'),
      reason: justification,
      acceptedUntil: z.iso.date({ error: 'vuln.acceptedUntilInvalid' }),
    }),
    z.object({ status: z.literal('false_positive'), reason: justification }),
    z.object({ status: z.literal('open'), reason: note.optional() }),
  ])
  .meta({ id: 'VulnStatusChange' });
export type StatusChange = z.infer<typeof ZStatusChange>;

/** The Department or the SOC approves or rejects a pending request. */
export const ZDecision = z.object({ approve: z.boolean() }).meta({ id: 'VulnDecision' });

/** An analyst assigns a computer to an organisation (`null`: back to attribution by IP range). */
export const ZComputerAssignment = z
  .object({ organisationId: z.uuid({ error: 'vuln.organisationRequired' }).nullable() })
  .meta({ id: 'ComputerAssignment' });

/** An analyst assigns a website to an organisation (`null`: back to matching by the registers). */
export const ZWebsiteAssignment = z
  .object({ organisationId: z.uuid({ error: 'vuln.organisationRequired' }).nullable() })
  .meta({ id: 'WebsiteAssignment' });

const days = z
  .number({ error: 'vuln.policyDays' })
  .int({ error: 'vuln.policyDays' })
  .min(1, { error: 'vuln.policyDays' })
  .max(3650, { error: 'vuln.policyDays' });

/** Remediation deadlines in days from first sighting, per severity (those left out keep their value). */
export const ZPolicyInput = z
  .object({
    critical: days.optional(),
    high: days.optional(),
    medium: days.optional(),
    low: days.optional(),
    info: days.optional(),
  })
  .meta({ id: 'VulnPolicyChange' });
