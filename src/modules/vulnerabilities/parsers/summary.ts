import { hostKey, websiteKey } from './identity.ts';
import { severityRank } from './severity.ts';
import { type ScanEvent, type ScanFormat, type ScanSummary, SEVERITIES, type Severity } from './types.ts';

const RANKED: Severity[] = [...SEVERITIES].reverse();

function perSeverity(): Record<Severity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

/**
 * Builds the summary of a parse from its events. It keeps one entry per distinct host and
 * CVE (hosts may span several records in OpenVAS and CSV reports), never the findings.
 */
export class SummaryBuilder {
  private readonly maxRank = new Map<string, number>();
  private readonly siteRank = new Map<string, number>();
  private readonly cves = new Set<string>();
  private readonly bySeverity = perSeverity();
  private findings = 0;
  private issues = 0;
  private dropped = 0;
  private incomplete = 0;

  add(event: ScanEvent): void {
    if (event.type === 'issue') {
      this.issues++;
      this.dropped += event.issue.dropped;
    } else if (event.type === 'host') {
      const { host, findings, complete } = event.record;
      if (!complete) this.incomplete++;
      const key = hostKey(host);
      let rank = this.maxRank.get(key) ?? 0;
      for (const finding of findings) {
        this.findings++;
        this.bySeverity[finding.severity]++;
        rank = Math.max(rank, severityRank(finding.severity));
        for (const cve of finding.cves) this.cves.add(cve);
      }
      this.maxRank.set(key, rank);
    } else if (event.type === 'website') {
      const { website, findings, complete } = event.record;
      if (!complete) this.incomplete++;
      const key = websiteKey(website);
      let rank = this.siteRank.get(key) ?? 0;
      for (const finding of findings) {
        this.findings++;
        this.bySeverity[finding.severity]++;
        rank = Math.max(rank, severityRank(finding.severity));
        for (const cve of finding.cves) this.cves.add(cve);
      }
      this.siteRank.set(key, rank);
    }
  }

  result(format: ScanFormat | null, complete: boolean): ScanSummary {
    const hostsByMaxSeverity = perSeverity();
    for (const rank of this.maxRank.values()) hostsByMaxSeverity[RANKED[rank] as Severity]++;
    return {
      format,
      hosts: this.maxRank.size,
      findings: this.findings,
      findingsBySeverity: { ...this.bySeverity },
      distinctCves: this.cves.size,
      vulnerableHosts: this.maxRank.size - hostsByMaxSeverity.info,
      hostsByMaxSeverity,
      websites: this.siteRank.size,
      vulnerableWebsites: [...this.siteRank.values()].filter((rank) => rank > 0).length,
      issues: this.issues,
      droppedFindings: this.dropped,
      incompleteHosts: this.incomplete,
      complete,
    };
  }
}
