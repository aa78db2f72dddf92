import { createHash } from 'node:crypto';
import { auditActor } from '../../../core/actor.ts';
import type { Db } from '../../../core/db/client.ts';
import { type DocumentFormat, renderDocument } from '../../../core/documents/index.ts';
import { AppError } from '../../../core/errors.ts';
import { provinceDay } from '../../../core/time.ts';
import { recordAudit } from '../../audit/index.ts';
import { type Actor, can, inScope, type Scope } from '../../auth/index.ts';
import { ruleBook } from '../../rules/index.ts';
import { incidentReports } from '../incidents.schema.ts';
import { closingReport, defaultFormDay, type FormResult, initialReport, visibleIncident } from './incident-forms.ts';
import { periodicReport } from './periodic-form.ts';
import { assertOrganisationVisible, contactRegistration, memberProfile, visibleMember } from './team-forms.ts';

/** A rendered form: the file, its name and SHA-256, and the recipients it is addressed to. */
export type FormFile = {
  file: Buffer;
  fileName: string;
  sha256: string;
  recipients: string[];
  date: string;
};

export type IncidentFormName = '03' | '04';

async function render(result: FormResult, format: DocumentFormat): Promise<FormFile> {
  const file = await renderDocument(result.doc, format);
  return {
    file,
    fileName: `${result.fileStem}.${format}`,
    sha256: createHash('sha256').update(file).digest('hex'),
    recipients: result.recipients.map((r) => r.name),
    date: result.doc.date,
  };
}

const notBefore = (on: string | undefined, first: string) => {
  if (on && on < first)
    throw new AppError(
      'VALIDATION',
      `The form cannot be dated before ${first}`,
      { field: 'on' },
      {
        key: 'incidents.formBeforeEvent',
        params: { day: first },
      },
    );
};

/** Form 03 or 04 of an incident (by id or code), dated `on` or its default day (see defaultFormDay). */
export async function incidentForm(
  db: Db,
  scope: Scope,
  idOrCode: string,
  form: IncidentFormName,
  format: DocumentFormat,
  on?: string,
): Promise<FormFile> {
  const row = await visibleIncident(db, scope, idOrCode);
  notBefore(on, provinceDay(row.detectedAt));
  const day = on ?? (await defaultFormDay(db, row, form));
  const book = await ruleBook(db);
  return render(await (form === '03' ? initialReport : closingReport)(db, book, row, day), format);
}

/** Form 01 of a response-team member (dated `on`, default today). */
export async function memberProfileForm(db: Db, scope: Scope, memberId: string, format: DocumentFormat, on?: string) {
  const member = await visibleMember(db, scope, memberId);
  return render(await memberProfile(db, await ruleBook(db), member, on ?? provinceDay()), format);
}

/** Form 02 of an organisation in scope (dated `on`, default today). */
export async function registrationForm(
  db: Db,
  scope: Scope,
  organisationId: string,
  format: DocumentFormat,
  on?: string,
) {
  assertOrganisationVisible(scope, organisationId);
  return render(await contactRegistration(db, await ruleBook(db), organisationId, on ?? provinceDay()), format);
}

/** Form 05 of an organisation in scope for a year's half. */
export async function periodicForm(
  db: Db,
  scope: Scope,
  organisationId: string,
  year: number,
  half: 1 | 2,
  format: DocumentFormat,
) {
  assertOrganisationVisible(scope, organisationId);
  return render(await periodicReport(db, await ruleBook(db), scope, organisationId, year, half), format);
}

/**
 * Issues form 03 or 04: renders it dated today, addressed to today's recipients, and records what was sent (the
 * file's SHA-256, the recipients, when and by whom) with an audit entry in the same transaction. The operator (its
 * agency) or a coordinator issues; an agency the incident only affects cannot. The closing report needs the response
 * to have ended, and once issued lets the incident close (TT 20/2017 Art. 9 cl. 2 b).
 */
export async function issueIncidentForm(
  db: Db,
  actor: Actor,
  scope: Scope,
  idOrCode: string,
  form: IncidentFormName,
  format: DocumentFormat,
  now = new Date(),
): Promise<FormFile & { reportId: string; issuedAt: Date }> {
  const row = await visibleIncident(db, scope, idOrCode);
  if (!(can(actor.role, 'incident.manage') || inScope(scope, row.organisationId)))
    throw new AppError('FORBIDDEN', 'Only the operating agency or a coordinator issues its reports', undefined, {
      key: 'incidents.readOnly',
    });
  if (row.state === 'closed')
    throw new AppError('CONFLICT', 'The incident is closed', undefined, { key: 'incidents.closed' });
  if (form === '04' && !row.responseEndedAt)
    throw new AppError('CONFLICT', 'The closing report needs the response to have ended', undefined, {
      key: 'incidents.responseNotEnded',
    });
  const day = provinceDay(now);
  const book = await ruleBook(db);
  const rendered = await render(await (form === '03' ? initialReport : closingReport)(db, book, row, day), format);
  const reportId = await db.transaction(async (tx) => {
    const [report] = await tx
      .insert(incidentReports)
      .values({
        incidentId: row.id,
        form,
        issuedAt: now,
        issuedBy: actor.userId,
        recipients: rendered.recipients,
        sha256: rendered.sha256,
      })
      .returning();
    if (!report) throw new AppError('INTERNAL', 'insert failed');
    await recordAudit(tx, auditActor(actor), {
      action: 'incident.report.issue',
      entityType: 'incident',
      entityId: row.id,
      organisationId: row.organisationId,
      after: { ...report, format, fileName: rendered.fileName },
    });
    return report.id;
  });
  return { ...rendered, reportId, issuedAt: now };
}
