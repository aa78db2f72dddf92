import { z } from 'zod';

/** `/drills/view?id=…`: a hand-edited or stale link falls back to no drill, never an error. */
export const drillViewSearch = z.object({ id: z.string().catch('') });
export const drillPath = (id: string) => `/drills/view?id=${encodeURIComponent(id)}`;
