import { z } from 'zod';

/** `/inspections/view?id=…` and `/inspections/plan?id=…`: a stale link falls back to nothing, never an error. */
export const inspectionViewSearch = z.object({ id: z.string().catch('') });
export const inspectionPlanSearch = z.object({ id: z.string().catch('') });
export const inspectionPath = (id: string) => `/inspections/view?id=${encodeURIComponent(id)}`;
export const inspectionPlanPath = (id: string) => `/inspections/plan?id=${encodeURIComponent(id)}`;
