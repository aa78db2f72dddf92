import { useFormatNumber } from '../../lib/format.ts';
import { query } from '../../lib/router.ts';

// How the vulnerability pages show a website and a web finding's weaknesses.

/** `https://host:443` as a reader writes it: `https://host` (the scheme's own port left out). */
export function siteOrigin(siteKey: string): string {
  try {
    return new URL(siteKey).origin;
  } catch {
    return siteKey;
  }
}

/** The findings list narrowed to one website (`site` only labels the filter). */
export const websiteFindingsPath = (id: string, siteKey: string) =>
  `/vulnerabilities/findings${query({ websiteId: id, site: siteOrigin(siteKey) })}`;

/** MITRE's page of a weakness: `CWE-79` → https://cwe.mitre.org/data/definitions/79.html (else none). */
export function cweHref(cwe: string): string | undefined {
  const n = /^CWE-(\d+)$/i.exec(cwe.trim())?.[1];
  return n ? `https://cwe.mitre.org/data/definitions/${Number(n)}.html` : undefined;
}

/** CWE ids, each linked to MITRE's definition (opened in a new tab, as an outside page). */
export function CweLinks({ cwes, max }: { cwes: string[]; max?: number }) {
  const format = useFormatNumber();
  const shown = max === undefined ? cwes : cwes.slice(0, max);
  return (
    <>
      {shown.map((cwe, i) => {
        const href = cweHref(cwe);
        return (
          <span key={cwe} className="nowrap">
            {i > 0 && ', '}
            {href ? (
              <a
                href={href}
                target="_blank"
                rel="noopener noreferrer"
                className="mono"
                data-testid="cwe-link"
                // In a list whose rows open on a click, the link opens MITRE's page only.
                onClick={(e) => e.stopPropagation()}
              >
                {cwe}
              </a>
            ) : (
              <span className="mono">{cwe}</span>
            )}
          </span>
        );
      })}
      {cwes.length > shown.length && <span className="muted"> +{format(cwes.length - shown.length)}</span>}
    </>
  );
}
