import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { api } from '../../lib/api.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { LevelBadge } from './SystemBadges.tsx';
import { type AppliedRule, type Classification, pick, type Suggestion } from './systems.ts';

/** A level criterion (kind level_criterion) in force today; `key` is what a suggestion's rule ids name. */
type Criterion = AppliedRule<{ level: number }>;

/**
 * The classification aid: the server's level criteria (NĐ 85/2016 Điều 7–11, rules of the day) applied to the
 * answers as they are typed, showing the proposed level, the criterion that decided it and its legal basis, and what
 * the officer should know that no criterion says (a secrecy grade is only evidence of harm; the number of users).
 */
export function ClassificationAid({ answers }: { answers: Classification }) {
  const { t, i18n } = useTranslation();
  const [suggestion, setSuggestion] = useState<Suggestion | null>(null);
  const [error, setError] = useState<unknown>(null);
  const rules = useLoad(() => api<Criterion[]>('GET', '/api/systems/level-criteria'), []);
  const key = JSON.stringify(answers);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is the answers' content.
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      api<Suggestion>('POST', '/api/systems/classify', answers).then(
        (s) => {
          if (!current) return;
          setSuggestion(s);
          setError(null);
        },
        (e: unknown) => current && setError(e),
      );
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [key]);
  const matched = (rules.data ?? []).filter(
    (r) => suggestion?.matchedRuleIds.includes(r.key) && r.key !== suggestion.ruleId,
  );

  return (
    <aside className="classification" data-testid="classification-aid" aria-live="polite">
      <h2>{t('systems.aid.title')}</h2>
      <ErrorMessage error={error} />
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
              <summary>{t('systems.aid.alsoMatched', { n: matched.length })}</summary>
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
