import { z } from 'zod';

/** The tabs of a system's page. */
export const SYSTEM_TABS = ['overview', 'dossier', 'plan', 'layers'] as const;
export type SystemTab = (typeof SYSTEM_TABS)[number];

/** `/systems/view?id=…&tab=…`: a hand-edited or stale link falls back to no system and the overview, never an error. */
export const systemViewSearch = z.object({
  id: z.string().catch(''),
  tab: z.enum(SYSTEM_TABS).catch('overview'),
});

/** `/systems/edit?id=…` (no id: a new system). */
export const systemEditSearch = z.object({ id: z.string().optional().catch(undefined) });
