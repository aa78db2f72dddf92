import { z } from 'zod';
import { localInputToIso } from '../../lib/period.ts';

/** A time typed in the province's time (DateInput withTime: yyyy-mm-ddTHH:mm), sent as an instant with its offset. */
export const zLocalTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'incidents.invalidTime')
  .transform(localInputToIso);
