import { keepPreviousData } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { ZClassificationInput } from '../../../modules/systems/systems.input.ts';
import { $api } from '../../api/client.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { formatNumber } from '../../lib/format.ts';
import { LevelBadge } from './SystemBadges.tsx';
import { pick } from './ui.ts';

export type Classification = z.input<typeof ZClassificationInput>;

/** The answers once they stop changing for a moment (the aid asks the server, not at every keystroke). */
function useSettled<T>(value: T, ms = 200): T {
  const [settled, setSettled] = useState(value);
  const key = JSON.stringify(value);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is the value's content.
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [key, ms]);
  return settled;
}

/**
 * The classification aid: the server's level criteria (NĐ 85/2016 Điều 7–11, rules of the day) applied to the
 * answers as they are typed, showing the proposed level, the criterion that decided it and its legal basis, and what
 * the officer should know that no criterion says (a secrecy grade is only evidence of harm; the number of users).
 */
export function ClassificationAid({ answers }: { answers: Classification }) {
  const { t, i18n } = useTranslation();
  const body = useSettled(answers);
  const suggested = $api.useQuery('post', '/api/systems/classify', { body }, { placeholderData: keepPreviousData });
  const rules = $api.useQuery('get', '/api/systems/level-criteria', {}, { staleTime: 3_600_000 });
  const suggestion = suggested.data;
  const matched = (rules.data ?? []).filter(
    (r) => suggestion?.matchedRuleIds.includes(r.key) && r.key !== suggestion.ruleId,
  );

  return (
    <aside className="classification" data-testid="classification-aid" aria-live="polite">
      <h2>{t('systems.aid.title')}</h2>
      <ErrorMessage error={suggested.error ?? rules.error} />
      {!suggestion ? (
        <p className="muted">{t('common.loading')}</p>
      ) : suggestion.level === null ? (
        <p data-testid="suggested-level">{t('systems.aid.noMatch')}</p>
      ) : (
        <>
          <div className="aid-level" data-testid="suggested-level">
            <span className="muted">{t('systems.aid.proposed')}</span>
            <LevelBadge level={suggestion.level} />
          </div>
          <p className="aid-rule" data-testid="suggested-rule">
            {pick(i18n.language, suggestion.vi, suggestion.en)}
          </p>
          <p className="small">
            <span className="muted">{t('systems.aid.legalBasis')}: </span>
            <strong data-testid="suggested-basis">{suggestion.legalBasis}</strong>
          </p>
          {matched.length > 0 && (
            <details className="small">
              <summary>{t('systems.aid.alsoMatched', { n: formatNumber(matched.length, i18n.language) })}</summary>
              <ul>
                {matched.map((r) => (
                  <li key={r.key}>
                    {t('systems.levelN', { level: r.data.level })}: {pick(i18n.language, r.vi, r.en)} ({r.legalBasis})
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
      {suggestion?.hints.map((h) => (
        <div key={h} className="alert alert-info small aid-hint" data-testid={`aid-hint-${h}`}>
          {t(`systems.aid.hints.${h}`)}
        </div>
      ))}
      <p className="muted small">{t('systems.aid.hint')}</p>
    </aside>
  );
}
