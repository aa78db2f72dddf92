import type { Permission } from '../auth/index.ts';
import { DOSSIER_ACTIONS, type DossierAction, type DossierState } from './systems.input.ts';

export { DOSSIER_ACTIONS, type DossierAction };

/**
 * The lifecycle: draft → submitted → under appraisal → approved, or returned with comments → resubmitted. Each
 * action names the permission (roles in permissions.ts) the actor needs; a wrong role is 403, a wrong state 409.
 * Who appraises and approves, the clocks and the required documents are rules of the day (rules module).
 */
export const DOSSIER_TRANSITIONS: Record<
  DossierAction,
  { from: DossierState[]; to: DossierState; permission: Permission; requires: string[] }
> = {
  submit: { from: ['draft'], to: 'submitted', permission: 'dossier.prepare', requires: [] },
  resubmit: { from: ['returned'], to: 'submitted', permission: 'dossier.prepare', requires: [] },
  accept: { from: ['submitted'], to: 'under_appraisal', permission: 'dossier.appraise', requires: [] },
  return: {
    from: ['submitted', 'under_appraisal'],
    to: 'returned',
    permission: 'dossier.appraise',
    requires: ['comment'],
  },
  /** Records the appraisal opinion (levels with an appraisal step; required before approval where the rule says so). */
  record_appraisal: {
    from: ['under_appraisal'],
    to: 'under_appraisal',
    permission: 'dossier.appraise',
    requires: ['appraisalRef'],
  },
  approve: {
    from: ['under_appraisal'],
    to: 'approved',
    permission: 'dossier.appraise',
    requires: ['decisionNumber', 'decisionDate'],
  },
};
