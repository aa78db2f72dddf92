import { z } from 'zod';

/** `/advisories/view?id=…`: a hand-edited or stale link falls back to no advisory, never an error. */
export const advisoryViewSearch = z.object({ id: z.string().catch('') });

/** `/advisories/edit?id=…` (no id: a new advisory typed in from a letter). */
export const advisoryEditSearch = z.object({ id: z.string().optional().catch(undefined) });
