import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { api } from '../../lib/api.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { LevelBadge } from './SystemBadges.tsx';
import { type Classification, pick, type Suggestion } from './systems.ts';

type Rule = { id: string; level: number; legalBasis: string; vi: string; en: string };

/**
 * The classification aid: the server's level criteria (NĐ 85/2016 Điều 7–11) applied to the answers as they are
 * typed, showing the proposed level, the criterion that decided it and its legal basis.
 */
export function ClassificationAid({ answers }: { answers: Classification }) {
  const { t, i18n } = useTranslation();
  const [suggestion, setSuggestion] = useState<Suggestion | null>(null);
  const [error, setError] = useState<unknown>(null);
  const rules = useLoad(() => api<Rule[]>('GET', '/api/systems/level-criteria'), []);
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
    (r) => suggestion?.matchedRuleIds.includes(r.id) && r.id !== suggestion.ruleId,
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
                  <li key={r.id}>
                    {t('systems.levelN', { level: r.level })}: {pick(i18n.language, r.vi, r.en)} ({r.legalBasis})
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
      <p className="muted small">{t('systems.aid.hint')}</p>
    </aside>
  );
}
