import { z } from 'zod';

/** `/phishing/view?id=…`: a hand-edited or stale link falls back to no exercise, never an error. */
export const phishingViewSearch = z.object({ id: z.string().catch('') });
