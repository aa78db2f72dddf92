import { z } from 'zod';

/** `/sites/view?id=…`: a hand-edited or stale link falls back to no site, never an error. */
export const siteViewSearch = z.object({ id: z.string().catch('') });

export const SITES_PATH = '/sites';
export const sitePath = (id: string) => `/sites/view?id=${encodeURIComponent(id)}`;
