import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import type { AdvisoryDetail } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { type Figure, Figures } from '../../components/Figures.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { KevBadge, SeverityBadge } from '../../components/VulnBadges.tsx';
import { uploadFile } from '../../lib/api.ts';
import { formatCalendarDate, formatDateTime, formatNumber, formatSize } from '../../lib/format.ts';
import { followLink, query } from '../../lib/router.ts';
import { useAction } from '../../lib/useAction.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { ProgressBars, StateBadge } from './AdvisoryBadges.tsx';
import { TargetList } from './TargetList.tsx';
import { ADVISORIES_PATH, advisoryEditPath, attachmentHref, refreshAdvisories } from './ui.ts';
import './advisories.css';

const route = getRouteApi('/app/advisories/view');

/**
 * One advisory: what it says (products, ranges, fixes), whom it concerns and why, and how far the agencies are. The
 * Department publishes, adds targets and decides accepted risks; an agency sees its own part, acknowledges and
 * answers per target.
 */
export function AdvisoryDetailPage() {
  const { t } = useTranslation();
  const { id } = route.useSearch();
  const detail = $api.useQuery(
    'get',
    '/api/advisories/{id}',
    { params: { path: { id } } },
    { enabled: !!id, staleTime: 0 },
  );
  const d = detail.data;
  useEffect(() => {
    if (d) document.title = `${d.advisory.title} · Khiên`;
  }, [d]);
  if (!id || detail.error) return <ErrorMessage error={detail.error ?? new Error(t('advisories.notFound'))} />;
  if (!d) return <p className="muted">{t('common.loading')}</p>;
  return <Advisory d={d} />;
}

function Advisory({ d }: { d: AdvisoryDetail }) {
  const { t, i18n } = useTranslation();
  const a = d.advisory;
  const p = a.progress;
  const n = (v: number) => formatNumber(v, i18n.language);
  const acknowledged = new Set(d.organisations.filter((o) => o.acknowledgedAt).map((o) => o.organisationId));
  const late = d.organisations.filter((o) => o.late);
  const figures: Figure[] = [
    { key: 'organisations', label: t('advisories.figures.organisations'), value: p.organisations },
    { key: 'targets', label: t('advisories.figures.targets'), value: p.targets },
    {
      key: 'awaitingScan',
      label: t('advisories.figures.awaitingScan'),
      value: p.awaitingScan,
      tone: p.awaitingScan ? 'warn' : undefined,
    },
    {
      key: 'pendingRisk',
      label: t('advisories.figures.pendingRisk'),
      value: p.pendingRisk,
      tone: p.pendingRisk ? 'warn' : undefined,
    },
    { key: 'late', label: t('advisories.figures.late'), value: p.late, tone: p.late ? 'bad' : undefined },
  ];
  return (
    <>
      <p className="small">
        <a href={ADVISORIES_PATH} onClick={followLink}>
          ← {t('nav.advisories')}
        </a>
      </p>
      <div className="page-head">
        <h1 data-testid="advisory-title">{a.title}</h1>
      </div>
      <div className="badges" data-testid="advisory-badges">
        <SeverityBadge severity={a.severity} />
        <StateBadge state={a.state} />
        {a.knownExploited.length > 0 && <KevBadge />}
      </div>
      <Actions d={d} />
      <div className="split">
        <section className="panel">
          <dl className="facts" data-testid="advisory-facts">
            <dt>{t('advisories.source')}</dt>
            <dd>{[a.sourceBody, a.sourceNumber].filter(Boolean).join(', ') || '—'}</dd>
            <dt>{t('advisories.issuedOn')}</dt>
            <dd>{formatCalendarDate(a.issuedOn) || '—'}</dd>
            <dt>CVE</dt>
            <dd className="mono" data-testid="advisory-cves">
              {a.cves.length
                ? a.cves.map((c) => (
                    <span key={c} className="cve">
                      {c}
                      {a.knownExploited.includes(c) && <span className="badge badge-kev">KEV</span>}{' '}
                    </span>
                  ))
                : '—'}
            </dd>
            <dt>CVSS</dt>
            <dd>
              {a.cvssScore === null ? '—' : n(a.cvssScore)}
              {a.cvssVector && <div className="mono small break">{a.cvssVector}</div>}
            </dd>
            <dt>{t('advisories.deadlines')}</dt>
            <dd data-testid="advisory-deadlines">
              {t('advisories.acknowledgeBy')}:{' '}
              {formatCalendarDate(a.acknowledgeBy) ||
                [...new Set(d.organisations.map((o) => o.acknowledgeBy).filter((v): v is string => !!v))]
                  .map(formatCalendarDate)
                  .join(', ') ||
                t('advisories.byRule')}
              <br />
              {t('advisories.actBy')}: {formatCalendarDate(a.actBy) || t('advisories.byRule')}
            </dd>
            {a.externalId && (
              <>
                <dt>{t('advisories.document')}</dt>
                <dd className="small break">
                  {t(`advisories.sources.${a.source}`)} · {a.externalId} · {t('advisories.revision', { r: a.revision })}
                </dd>
              </>
            )}
          </dl>
          {a.summary && (
            <p className="prose" data-testid="advisory-summary">
              {a.summary}
            </p>
          )}
        </section>
        <section className="panel" data-testid="advisory-progress">
          <h2>{t('advisories.progress.title')}</h2>
          <ProgressBars progress={p} />
          <div className="advisory-figures">
            <Figures figures={figures} testIdPrefix="advisory-figure-" compact />
          </div>
        </section>
      </div>
      {late.length > 0 && (
        <section className="panel" data-testid="advisory-late">
          <h2>{t('advisories.lateTitle')}</h2>
          <ul>
            {late.map((o) => (
              <li key={o.organisationId} data-testid="late-organisation">
                <strong>{o.name}</strong> —{' '}
                {t(`advisories.late.${o.late}`, {
                  day: formatCalendarDate(o.late === 'acknowledge' ? o.acknowledgeBy : a.actBy),
                })}
                {(o.headName || o.escalatedTo) && (
                  <span className="muted">
                    {' '}
                    · {t('advisories.head')}: {o.escalatedTo ?? [o.headName, o.headTitle].filter(Boolean).join(', ')}
                  </span>
                )}
                {o.escalatedAt && (
                  <span className="badge badge-bad">
                    {t('advisories.escalatedAt', { at: formatDateTime(o.escalatedAt) })}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      <Organisations d={d} />
      <TargetList
        advisoryId={a.id}
        targets={d.targets}
        total={d.targetsTotal}
        canRespond={d.actions.respond}
        acknowledged={acknowledged}
        canDecide={d.actions.decideRisk}
      />
      <Products d={d} />
      {(a.remediations.length > 0 || a.references.length > 0 || d.attachments.length > 0) && (
        <section className="panel" data-testid="advisory-documents">
          {a.remediations.length > 0 && (
            <>
              <h2>{t('advisories.remediations')}</h2>
              <ul className="small">
                {a.remediations.map((r, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: remediations are listed in the document's order.
                  <li key={i}>
                    <strong>{t(`advisories.remediationCategory.${r.category}`, { defaultValue: r.category })}</strong>
                    {r.cve ? ` (${r.cve})` : ''}: {r.details}
                    {r.url && (
                      <>
                        {' '}
                        <a href={r.url} target="_blank" rel="noreferrer noopener" className="break">
                          {r.url}
                        </a>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
          {d.attachments.length > 0 && (
            <>
              <h2>{t('advisories.attachments')}</h2>
              <ul data-testid="advisory-attachments">
                {d.attachments.map((f) => (
                  <li key={f.id}>
                    <a href={attachmentHref(a.id, f.id)} download={f.fileName}>
                      {f.fileName}
                    </a>{' '}
                    <span className="muted small">
                      {formatSize(f.size)} · SHA-256 <span className="mono break">{f.sha256}</span>
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {a.references.length > 0 && (
            <>
              <h2>{t('advisories.references')}</h2>
              <ul className="small">
                {a.references.map((r) => (
                  <li key={r.url}>
                    <a href={r.url} target="_blank" rel="noreferrer noopener" className="break">
                      {r.summary || r.url}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
    </>
  );
}

/** What the reader may do now: the Department's steps, or the agency's acknowledgement. */
function Actions({ d }: { d: AdvisoryDetail }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const a = d.advisory;
  const { error, busy, run } = useAction();
  const publish = $api.useMutation('post', '/api/advisories/{id}/publish');
  const close = $api.useMutation('post', '/api/advisories/{id}/close');
  const acknowledge = $api.useMutation('post', '/api/advisories/{id}/acknowledge');
  const retarget = $api.useMutation('post', '/api/advisories/{id}/targets');
  const done = () => refreshAdvisories(queryClient);
  const path = { params: { path: { id: a.id } } };
  const names = new Map(d.organisations.map((o) => [o.organisationId, o.name]));
  const department = d.actions.publish || d.actions.close || d.actions.addTargets;
  if (!department && d.actions.acknowledge.length === 0) return null;
  return (
    <section className="panel advisory-actions" data-testid="advisory-actions">
      {d.actions.acknowledge.map((organisationId) => (
        <div key={organisationId} className="alert alert-warning" data-testid="acknowledge-box">
          <p>
            {t('advisories.acknowledgeAsk', {
              name: names.get(organisationId) ?? '',
              day: formatCalendarDate(d.organisations.find((o) => o.organisationId === organisationId)?.acknowledgeBy),
            })}
          </p>
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy}
            data-testid="acknowledge"
            onClick={() =>
              run(async () => {
                await acknowledge.mutateAsync({ ...path, body: { organisationId } });
                await done();
              })
            }
          >
            {t('advisories.acknowledge')}
          </button>
        </div>
      ))}
      {department && (
        <div className="actions">
          {d.actions.publish && (
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy}
              data-testid="advisory-publish"
              onClick={() =>
                run(async () => {
                  if (!window.confirm(t('advisories.publishConfirm', { n: d.organisations.length }))) return;
                  await publish.mutateAsync(path);
                  await done();
                })
              }
            >
              {t('advisories.publish')}
            </button>
          )}
          {d.actions.edit && (
            <a className="btn" href={advisoryEditPath(a.id)} onClick={followLink} data-testid="advisory-edit">
              {t('common.edit')}
            </a>
          )}
          {d.actions.addTargets && (
            <button
              type="button"
              className="btn"
              disabled={busy}
              data-testid="advisory-rematch"
              onClick={() =>
                run(async () => {
                  await retarget.mutateAsync({ ...path, body: { kind: 'match' } });
                  await done();
                })
              }
            >
              {t('advisories.rematch')}
            </button>
          )}
          {d.actions.close && (
            <button
              type="button"
              className="btn btn-quiet"
              disabled={busy}
              data-testid="advisory-close"
              onClick={() =>
                run(async () => {
                  if (!window.confirm(t('advisories.closeConfirm'))) return;
                  await close.mutateAsync(path);
                  await done();
                })
              }
            >
              {t('advisories.close')}
            </button>
          )}
        </div>
      )}
      <ErrorMessage error={error} />
      {d.actions.addTargets && <AddTargets id={a.id} />}
      {d.actions.addTargets && <AttachLetter id={a.id} />}
    </section>
  );
}

/** The Department adds targets itself: an organisation (with its subtree) or the computers of an address range. */
function AddTargets({ id }: { id: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { tree } = useOrgTree();
  const [kind, setKind] = useState<'organisation' | 'cidr'>('organisation');
  const [organisationId, setOrganisationId] = useState('');
  const [includeChildren, setIncludeChildren] = useState(true);
  const [cidr, setCidr] = useState('');
  const add = $api.useMutation('post', '/api/advisories/{id}/targets');
  const { error, busy, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await add.mutateAsync({
        params: { path: { id } },
        body: kind === 'organisation' ? { kind, organisationId, includeChildren } : { kind, cidr },
      });
      setCidr('');
      await refreshAdvisories(queryClient);
    });
  };
  return (
    <details className="advisory-add">
      <summary>{t('advisories.addTargets')}</summary>
      <form className="form-row" onSubmit={submit} data-testid="add-targets">
        <Field label={t('advisories.addBy')}>
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="add-kind">
            <option value="organisation">{t('advisories.addByOrganisation')}</option>
            <option value="cidr">{t('advisories.addByCidr')}</option>
          </select>
        </Field>
        {kind === 'organisation' ? (
          <>
            <Field label={t('advisories.organisation')}>
              <OrgSelect
                tree={tree}
                value={organisationId}
                onChange={setOrganisationId}
                allLabel={t('advisories.chooseOrganisation')}
                data-testid="add-organisation"
              />
            </Field>
            <label className="check">
              <input type="checkbox" checked={includeChildren} onChange={(e) => setIncludeChildren(e.target.checked)} />
              {t('advisories.includeChildren')}
            </label>
          </>
        ) : (
          <Field label={t('advisories.cidr')} hint={t('advisories.cidrHint')}>
            <input
              value={cidr}
              onChange={(e) => setCidr(e.target.value)}
              placeholder="10.2.0.0/24"
              data-testid="add-cidr"
            />
          </Field>
        )}
        <button
          type="submit"
          className="btn"
          disabled={busy || (kind === 'organisation' ? !organisationId : !cidr)}
          data-testid="add-submit"
        >
          {t('advisories.add')}
        </button>
      </form>
      <ErrorMessage error={error} />
    </details>
  );
}

/** The letter (công văn) or another file, attached with its SHA-256. */
function AttachLetter({ id }: { id: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const { error, busy, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    void run(async () => {
      await uploadFile(`/api/advisories/${id}/attachments${query({ filename: file.name })}`, file);
      setFile(null);
      (e.target as HTMLFormElement).reset();
      await refreshAdvisories(queryClient);
    });
  };
  return (
    <details className="advisory-add">
      <summary>{t('advisories.attachLetter')}</summary>
      <form className="form-row" onSubmit={submit}>
        <Field label={t('advisories.letterFile')}>
          <input type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="attach-file" />
        </Field>
        <button type="submit" className="btn" disabled={busy || !file} data-testid="attach-submit">
          {t('advisories.attach')}
        </button>
      </form>
      <ErrorMessage error={error} />
    </details>
  );
}

/** Each agency concerned (the reader's part): notified, deadline, acknowledged, targets done, escalation. */
function Organisations({ d }: { d: AdvisoryDetail }) {
  const { t, i18n } = useTranslation();
  if (d.organisations.length === 0) return null;
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <section className="panel panel-flush" data-testid="advisory-organisations">
      <h2 className="panel-title">{t('advisories.organisations')}</h2>
      <TableScroll label={t('advisories.organisations')}>
        <table className="table table-compact advisory-wide-table">
          <thead>
            <tr>
              <th>{t('advisories.organisation')}</th>
              <th>{t('advisories.acknowledgeBy')}</th>
              <th>{t('advisories.acknowledged')}</th>
              <th>{t('advisories.figures.remediated')}</th>
              <th>{t('advisories.escalation')}</th>
            </tr>
          </thead>
          <tbody>
            {d.organisations.map((o) => (
              <tr
                key={o.organisationId}
                data-testid="advisory-organisation"
                className={o.late ? 'row-open' : undefined}
              >
                <td>
                  {o.name}
                  {o.headName && (
                    <div className="muted small">{[o.headName, o.headTitle].filter(Boolean).join(', ')}</div>
                  )}
                </td>
                <td className="nowrap">{formatCalendarDate(o.acknowledgeBy) || '—'}</td>
                <td className="nowrap" data-testid="organisation-acknowledged">
                  {o.acknowledgedAt ? (
                    <>
                      <span className="badge badge-good">{t('advisories.yes')}</span>
                      <div className="muted small">
                        {[o.acknowledgedByName, formatDateTime(o.acknowledgedAt)].filter(Boolean).join(', ')}
                      </div>
                    </>
                  ) : (
                    <span className={`badge ${o.late === 'acknowledge' ? 'badge-bad' : 'badge-warn'}`}>
                      {t(o.notifiedAt ? 'advisories.notYet' : 'advisories.notNotified')}
                    </span>
                  )}
                </td>
                <td className="num nowrap">
                  {n(o.remediated)}/{n(o.targets)}
                </td>
                <td className="small">
                  {o.escalatedAt ? `${formatDateTime(o.escalatedAt)} → ${o.escalatedTo ?? '—'}` : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

/** The advisory's products as the document states them: affected, fixed, not affected, under investigation. */
function Products({ d }: { d: AdvisoryDetail }) {
  const { t } = useTranslation();
  if (d.products.length === 0) return null;
  return (
    <section className="panel panel-flush" data-testid="advisory-products">
      <h2 className="panel-title">{t('advisories.products', { n: d.products.length })}</h2>
      <TableScroll label={t('advisories.productsLabel')}>
        <table className="table table-compact advisory-wide-table">
          <thead>
            <tr>
              <th>{t('advisories.product')}</th>
              <th>{t('advisories.versions')}</th>
              <th>{t('advisories.productStatus')}</th>
              <th>CVE</th>
            </tr>
          </thead>
          <tbody>
            {d.products.map((p) => (
              <tr key={p.id} data-testid="advisory-product" data-status={p.status}>
                <td>
                  {[p.vendor, p.product].filter(Boolean).join(' ')}
                  {p.cpe && <div className="mono small muted">{p.cpe}</div>}
                </td>
                <td className="mono small">{p.range}</td>
                <td>
                  <span
                    className={`badge ${p.status === 'known_affected' ? 'badge-bad' : p.status === 'under_investigation' ? 'badge-warn' : 'badge-good'}`}
                  >
                    {t(`advisories.productStatuses.${p.status}`)}
                  </span>
                </td>
                <td className="mono small">{p.cves.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
