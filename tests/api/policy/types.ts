import type { Role } from '../../../src/modules/auth/auth.schema.ts';

/** One capability's part of the authorisation matrix (authorisation-matrix.test.ts merges every `*.policy.ts`). */
export const ALL: Role[] = ['admin', 'department', 'soc', 'agency', 'viewer'];
export const PUBLIC = 'public' as const;
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
export type PolicyPart = {
  /** Route → the roles that may call it, or PUBLIC. */
  policy: Record<string, Role[] | typeof PUBLIC>;
  /** Request bodies that pass validation (a Buffer is sent as text/csv), so a refusal can only be authorisation. */
  bodies?: Record<string, unknown>;
  /** Query strings that pass validation. */
  queries?: Record<string, string>;
};
