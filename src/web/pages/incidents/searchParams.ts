import { z } from 'zod';

/** `/incidents/view?id=…`: a hand-edited or stale link falls back to no incident, never an error. */
export const incidentViewSearch = z.object({ id: z.string().catch('') });

/** `/incidents/edit?id=…` (no id: a new incident; `vulnFindingId`: opened from a vulnerability finding). */
export const incidentEditSearch = z.object({
  id: z.string().optional().catch(undefined),
  vulnFindingId: z.string().optional().catch(undefined),
});
