import { and, asc, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import { organisationIdIn } from '../auth/index.ts';
import { inForceOn } from '../organisations/index.ts';
import { staffMembers } from './staff.schema.ts';

export type StaffContact = { id: string; fullName: string; email: string; organisationId: string };

/**
 * The officials in force on `on` (of those organisations, or all when `organisationIds` is null), for other modules
 * that address them (phishing exercises). One row per appointment: an official registered at two organisations
 * appears under each.
 */
export async function staffForPhishing(
  db: Db,
  opts: { organisationIds: string[] | null; on: string },
): Promise<StaffContact[]> {
  return db
    .select({
      id: staffMembers.id,
      fullName: staffMembers.fullName,
      email: staffMembers.email,
      organisationId: staffMembers.organisationId,
    })
    .from(staffMembers)
    .where(
      and(
        inForceOn(staffMembers, opts.on),
        organisationIdIn(sql`${staffMembers.organisationId}`, opts.organisationIds),
      ),
    )
    .orderBy(asc(staffMembers.fullName), asc(staffMembers.id));
}
