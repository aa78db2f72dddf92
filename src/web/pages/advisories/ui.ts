import type { QueryClient } from '@tanstack/react-query';
import type { AdvisoryDetail } from '../../api/schema.gen.ts';
import { query } from '../../lib/router.ts';

export const ADVISORIES_PATH = '/advisories';
export const advisoryPath = (id: string) => `/advisories/view${query({ id })}`;
export const advisoryEditPath = (id?: string) => `/advisories/edit${query({ id })}`;
export const ADVISORY_IMPORT_PATH = '/advisories/import';
export const attachmentHref = (advisoryId: string, attachmentId: string) =>
  `/api/advisories/${advisoryId}/attachments/${attachmentId}`;

export type Target = AdvisoryDetail['targets'][number];
export type Match = Target['matchDetail']['matches'][number];

/** What a target is, in a few words: its system, its computer (address and name), or its organisation. */
export const targetName = (t: Target) =>
  t.systemName ??
  (t.computerIp
    ? `${t.computerIp}${t.computerName ? ` (${t.computerName})` : ''}`
    : (t.organisationName ?? t.targetKey));

/** Every advisory query (the list, a detail) is read again after a change: figures and answers follow from it. */
export const refreshAdvisories = (client: QueryClient) =>
  client.invalidateQueries({
    predicate: (q) => q.queryKey[0] === 'get' && String(q.queryKey[1]).startsWith('/api/advisories'),
  });
