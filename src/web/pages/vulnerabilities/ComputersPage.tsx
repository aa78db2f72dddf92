import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyRow } from '../../components/EmptyRow.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { Pager } from '../../components/Pager.tsx';
import { api, query } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { followLink, navigate, useSearch } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import type { OrgTree } from '../../lib/tree.ts';
import { useAction } from '../../lib/useAction.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import type { Computer } from '../../lib/vuln.ts';

const LIMIT = 200;

/** Máy tính: scanned computers with their open findings; analysts also assign the ones no IP range covers. */
export function ComputersPage() {
  const { t } = useTranslation();
  const can = useCan();
  // The tab lives in the URL so the dashboard can link straight to the unattributed computers.
  const unattributed = useSearch().get('tab') === 'unattributed' && can('vuln.import');
  const [organisationId, setOrganisationId] = useState('');
  const [offset, setOffset] = useState(0);
  const { tree, error: orgError } = useOrgTree();
  const list = useLoad(
    () =>
      api<Computer[]>(
        'GET',
        `/api/vulnerabilities/computers${query(unattributed ? { unattributed, limit: LIMIT, offset } : { organisationId, limit: LIMIT, offset })}`,
      ),
    [unattributed, organisationId, offset],
  );
  const tab = (key: 'all' | 'unattributed') => (
    <button
      type="button"
      role="tab"
      aria-selected={unattributed === (key === 'unattributed')}
      className="tab"
      data-testid={`tab-${key}`}
      onClick={() => {
        setOffset(0);
        navigate(key === 'unattributed' ? '/vulnerabilities/computers?tab=unattributed' : '/vulnerabilities/computers');
      }}
    >
      {t(`vuln.tabs.${key}`)}
    </button>
  );

  return (
    <>
      <h1>{t('nav.vulnComputers')}</h1>
      {can('vuln.import') && (
        <div className="tabs" role="tablist">
          {tab('all')}
          {tab('unattributed')}
        </div>
      )}
      {unattributed ? (
        <p className="muted">{t('vuln.unattributedHint')}</p>
      ) : (
        <div className="filters">
          <Field label={t('vuln.organisation')}>
            <OrgSelect
              tree={tree}
              value={organisationId}
              onChange={(id) => {
                setOffset(0);
                setOrganisationId(id);
              }}
            />
          </Field>
        </div>
      )}
      <ErrorMessage error={list.error ?? orgError} />
      <div className="panel panel-flush">
        <table className="table" data-testid="computers-table">
          <thead>
            <tr>
              <th>{t('vuln.ip')}</th>
              <th>{t('vuln.hostname')}</th>
              <th>{t('vuln.os')}</th>
              <th>{t('vuln.organisation')}</th>
              <th>{t('vuln.lastSeen')}</th>
              <th className="num">{t('vuln.openFindings')}</th>
              <th className="num">{t('vuln.severity.critical')}</th>
              <th className="num">{t('vuln.severity.high')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            <EmptyRow show={list.data?.length === 0} colSpan={9}>
              {t('vuln.noComputers')}
            </EmptyRow>
            {list.data?.map((c) => (
              <tr key={c.id}>
                <td className="mono">{c.ip}</td>
                <td>{c.hostname ?? '—'}</td>
                <td className="small">{c.os ?? '—'}</td>
                <td>
                  {unattributed ? (
                    <AssignOrganisation computer={c} tree={tree} onAssigned={list.reload} />
                  ) : (
                    (c.organisationName ?? <span className="muted">{t('vuln.unattributed')}</span>)
                  )}
                </td>
                <td className="nowrap">{formatDateTime(c.lastSeen)}</td>
                <td className="num">{c.open}</td>
                <td className={`num${c.critical ? ' text-bad' : ''}`}>{c.critical}</td>
                <td className="num">{c.high}</td>
                <td className="cell-actions">
                  <a
                    className="btn btn-small"
                    href={`/vulnerabilities/findings${query({ computerId: c.id, host: c.ip })}`}
                    onClick={followLink}
                  >
                    {t('vuln.viewFindings')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager offset={offset} limit={LIMIT} shown={list.data?.length ?? 0} onChange={setOffset} />
    </>
  );
}

function AssignOrganisation({
  computer,
  tree,
  onAssigned,
}: {
  computer: Computer;
  tree: OrgTree;
  onAssigned: () => void;
}) {
  const { t } = useTranslation();
  const [organisationId, setOrganisationId] = useState('');
  const { error, busy, run } = useAction();
  async function assign() {
    await run(async () => {
      await api('PUT', `/api/vulnerabilities/computers/${computer.id}/organisation`, { organisationId });
      onAssigned();
    });
  }
  return (
    <div className="inline-form">
      <OrgSelect
        tree={tree}
        value={organisationId}
        onChange={setOrganisationId}
        allLabel={t('vuln.chooseOrganisation')}
      />
      <button
        type="button"
        className="btn btn-small btn-primary"
        disabled={!organisationId || busy}
        onClick={() => void assign()}
      >
        {t('vuln.assign')}
      </button>
      <ErrorMessage error={error} />
    </div>
  );
}
