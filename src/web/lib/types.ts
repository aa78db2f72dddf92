import type { OrganisationType, Role } from './roles.ts';

// Shapes of the JSON the API returns (timestamps arrive as ISO strings).

export type User = {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  role: Role;
  organisationId: string | null;
  scopeIncludesChildren: boolean;
  totpEnabled: boolean;
  disabled: boolean;
  locked: boolean;
  locale: string;
  lastLoginAt: string | null;
  createdAt: string;
};

export type Me = { user: User; role: Role; csrfToken: string | null };

export type Organisation = {
  id: string;
  code: string;
  name: string;
  type: OrganisationType;
  parentId: string | null;
  headName: string | null;
  headTitle: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  validFrom: string | null;
  validTo: string | null;
  successorId: string | null;
  /** The ministry owning the organisation's systems (a vertical body, NĐ 85 Điều 3 khoản 1); null: the province. */
  ownerBodyCode: string | null;
  createdAt: string;
  updatedAt: string;
  ipRanges: string[];
};

export type OrganisationInput = {
  code: string;
  name: string;
  type: OrganisationType;
  parentId: string | null;
  headName: string;
  headTitle: string;
  email: string;
  phone: string;
  address: string;
  validFrom: string;
  validTo: string;
  ipRanges: string[];
};

export type ImportReport = {
  created: number;
  updated: number;
  unchanged: number;
  errors: { row: number; column?: string; message: string }[];
};

export type AuditEntry = {
  seq: number;
  at: string;
  actorId: string | null;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string | null;
  organisationId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  prevHash: string;
  hash: string;
};

export type AuditVerification = {
  ok: boolean;
  entries: number;
  brokenAt?: { seq: number; reason: 'content-changed' | 'chain-broken' };
  headHash?: string;
};

export type ApiToken = {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
};
