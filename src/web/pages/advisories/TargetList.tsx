import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ZTargetResponse } from '../../../modules/advisories/advisories.input.ts';
import { $api } from '../../api/client.ts';
import { advisoryTargetResponseValues } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { useZodForm } from '../../lib/forms.ts';
import { useAction } from '../../lib/useAction.ts';
import { ResponseBadge } from './AdvisoryBadges.tsx';
import { type Match, refreshAdvisories, type Target, targetName } from './ui.ts';

/** Why a target is concerned, in a sentence per match: what was found, which product and range it matched. */
export function MatchText({ match }: { match: Match }) {
  const { t } = useTranslation();
  const m = match;
  const product = m.product
    ? t('advisories.match.product', {
        product: [m.product.vendor, m.product.product].filter(Boolean).join(' '),
        range: m.product.range,
      })
    : '';
  let text: string;
  if (m.via === 'organisation') text = t('advisories.match.organisation', { name: m.addedFor ?? '' });
  else if (m.via === 'cidr') text = t('advisories.match.cidr', { cidr: m.addedFor ?? '' });
  else if (m.via === 'cve' && m.finding)
    text = t('advisories.match.finding', {
      name: m.finding.name,
      cves: m.finding.cves.join(', '),
      port: m.finding.port,
      scanner: m.finding.scanner,
    });
  else if (m.item)
    text = t(`advisories.match.${m.item.kind}`, {
      name: [m.item.vendor, m.item.name].filter(Boolean).join(' '),
      version: m.item.version ?? t('advisories.match.noVersion'),
      port: m.item.port ?? '',
    });
  else text = '';
  return (
    <li data-testid="target-match" data-via={m.via}>
      {text}
      {product && ` ${product}`}
      {(m.via === 'cpe' || m.via === 'name') && (
        <span className="muted">
          {' '}
          {t(`advisories.match.via.${m.via}`, { cpe: m.product?.cpe ?? m.item?.cpe ?? '' })}
        </span>
      )}
      {m.versionUnknown && <span className="badge badge-warn">{t('advisories.match.versionUnknown')}</span>}
      {m.rangeUnread && <span className="badge badge-warn">{t('advisories.match.rangeUnread')}</span>}
      {m.underInvestigation && <span className="badge badge-warn">{t('advisories.match.underInvestigation')}</span>}
    </li>
  );
}

const ANSWERS = advisoryTargetResponseValues.filter((r) => r !== 'pending');

/** The agency's answer for one target: what it did, and how or why where the answer needs it. */
function ResponseForm({ advisoryId, target, onDone }: { advisoryId: string; target: Target; onDone: () => void }) {
  const { t } = useTranslation();
  const respond = $api.useMutation('post', '/api/advisories/{id}/targets/{targetId}/response');
  const form = useZodForm(ZTargetResponse, {
    defaultValues: {
      response: target.response === 'pending' ? 'patched' : target.response,
      note: target.responseNote ?? '',
    } as never,
  });
  const response = useWatch({ control: form.control, name: 'response' });
  const [error, setError] = useState<unknown>(null);
  const submit = form.handleSubmit(async (body) => {
    setError(null);
    try {
      await respond.mutateAsync({ params: { path: { id: advisoryId, targetId: target.id } }, body });
      onDone();
    } catch (e) {
      setError(e);
    }
  });
  return (
    <form className="target-form" onSubmit={submit} data-testid="target-response-form">
      <Field label={t('advisories.responseLabel')}>
        <select {...form.register('response')} data-testid="target-response">
          {ANSWERS.map((r) => (
            <option key={r} value={r}>
              {t(`advisories.answers.${r}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label={t(`advisories.noteLabel.${response ?? 'patched'}`)}
        hint={response === 'risk_accepted' ? t('advisories.riskHint') : undefined}
        error={(form.formState.errors as { note?: unknown }).note}
      >
        <textarea rows={2} {...form.register('note')} data-testid="target-note" />
      </Field>
      <div className="actions">
        <button
          type="submit"
          className="btn btn-primary btn-small"
          disabled={respond.isPending}
          data-testid="target-submit"
        >
          {respond.isPending ? t('common.working') : t('advisories.sendResponse')}
        </button>
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

/** The Department approves or rejects an agency's risk acceptance. */
function RiskDecision({ advisoryId, target, onDone }: { advisoryId: string; target: Target; onDone: () => void }) {
  const { t } = useTranslation();
  const decide = $api.useMutation('post', '/api/advisories/{id}/targets/{targetId}/risk-decision');
  const { error, busy, run } = useAction();
  const send = (approve: boolean) =>
    run(async () => {
      await decide.mutateAsync({ params: { path: { id: advisoryId, targetId: target.id } }, body: { approve } });
      onDone();
    });
  return (
    <div className="actions" data-testid="risk-decision">
      <button
        type="button"
        className="btn btn-small btn-primary"
        disabled={busy}
        onClick={() => send(true)}
        data-testid="risk-approve"
      >
        {t('advisories.risk.approve')}
      </button>
      <button
        type="button"
        className="btn btn-small"
        disabled={busy}
        onClick={() => send(false)}
        data-testid="risk-reject"
      >
        {t('advisories.risk.reject')}
      </button>
      <ErrorMessage error={error} />
    </div>
  );
}

/**
 * The targets the reader may see, each with why it is concerned and its answer; an agency that acknowledged answers
 * here, the Department decides accepted risks. Filtered by answer on the page (the list is the caller's part).
 */
export function TargetList({
  advisoryId,
  targets,
  total,
  canRespond,
  acknowledged,
  canDecide,
}: {
  advisoryId: string;
  targets: Target[];
  total: number;
  canRespond: boolean;
  /** Organisations whose acknowledgement is recorded: only their targets can be answered. */
  acknowledged: Set<string>;
  canDecide: boolean;
}) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const [show, setShow] = useState<'all' | 'open' | 'done'>('all');
  const refresh = () => {
    setOpen(null);
    void refreshAdvisories(queryClient);
  };
  const shown = targets.filter((x) => show === 'all' || (show === 'done' ? x.remediated : !x.remediated));
  return (
    <section className="panel" data-testid="advisory-targets">
      <div className="panel-head">
        <h2>{t('advisories.targets', { n: formatNumber(total, i18n.language) })}</h2>
        <select
          value={show}
          onChange={(e) => setShow(e.target.value as typeof show)}
          aria-label={t('advisories.showTargets')}
        >
          {(['all', 'open', 'done'] as const).map((s) => (
            <option key={s} value={s}>
              {t(`advisories.show.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {targets.length < total && <p className="muted small">{t('advisories.targetsCapped', { n: targets.length })}</p>}
      {shown.length === 0 && (
        <p className="muted" data-testid="targets-empty">
          {t('advisories.noTargets')}
        </p>
      )}
      <ul className="target-list">
        {shown.map((x) => {
          const answerable = canRespond && !!x.organisationId && acknowledged.has(x.organisationId);
          return (
            <li key={x.id} className="target" data-testid="target" data-remediated={x.remediated}>
              <div className="target-head">
                <div className="cell-name">
                  <strong data-testid="target-name">{targetName(x)}</strong>
                  <div className="muted small">
                    {t(`advisories.reasons.${x.reason}`)}
                    {x.organisationName ? ` · ${x.organisationName}` : ` · ${t('advisories.unattributed')}`}
                  </div>
                </div>
                <ResponseBadge response={x.response} awaitingScan={x.awaitingScan} riskDecision={x.riskDecision} />
              </div>
              <ul className="target-why small">
                {x.matchDetail.matches.map((m, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a target's matches keep their order; no other identity.
                  <MatchText key={i} match={m} />
                ))}
              </ul>
              {x.response !== 'pending' && (
                <p className="small target-answer" data-testid="target-answer">
                  {x.responseNote && <span>“{x.responseNote}” </span>}
                  <span className="muted">
                    {[x.respondedByName, formatDateTime(x.respondedAt)].filter(Boolean).join(', ')}
                    {x.confirmedAt && ` · ${t('advisories.confirmedAt', { at: formatDateTime(x.confirmedAt) })}`}
                  </span>
                </p>
              )}
              {canDecide && x.response === 'risk_accepted' && !x.riskDecision && (
                <RiskDecision advisoryId={advisoryId} target={x} onDone={refresh} />
              )}
              {answerable &&
                (open === x.id ? (
                  <ResponseForm advisoryId={advisoryId} target={x} onDone={refresh} />
                ) : (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => setOpen(x.id)}
                    data-testid="target-respond"
                  >
                    {x.response === 'pending' ? t('advisories.respond') : t('advisories.changeResponse')}
                  </button>
                ))}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
