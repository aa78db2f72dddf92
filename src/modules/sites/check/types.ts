// What a website trust check answers: the CLI prints it (`khien sites check --json`), the register stores it per run.

/** Each criterion checked, in the order they are shown. */
export const SITE_CHECKS = [
  'dns_address', // A/AAAA records
  'dns_ns', // NS records of the registered domain
  'dns_mx', // MX (mail domains only)
  'dns_spf', // SPF TXT record (mail domains only)
  'dns_dmarc', // _dmarc TXT record (mail domains only)
  'https_reachable',
  'http_redirects_https',
  'tls_chain_valid', // chain valid against the trust store
  'tls_name_match',
  'tls_expiry', // days to expiry; fails when expired, warns within the alert window
  'tls_version', // negotiated TLS ≥ 1.2
  'hsts',
  'header_csp',
  'header_x_content_type_options',
  'header_frame_options', // CSP frame-ancestors or X-Frame-Options
  'gov_vn_domain', // a state body's site under .gov.vn
  'privacy_policy', // a link to a privacy policy on the home page (a national trust-label criterion)
] as const;
export type SiteCheckName = (typeof SITE_CHECKS)[number];

/** pass / warn (passes, but needs attention: a certificate expiring soon) / fail / skip (not applicable, or blocked by an earlier failure). */
export const CHECK_VERDICTS = ['pass', 'warn', 'fail', 'skip'] as const;
export type CheckVerdict = (typeof CHECK_VERDICTS)[number];

export type SiteCheckResult = {
  check: SiteCheckName;
  verdict: CheckVerdict;
  /** One line for people, English (the UI shows its own words from `check` + `verdict` + `data`). */
  detail: string;
  /** Machine-readable facts: e.g. { validTo: '2027-01-31T…', daysLeft: 56 }, { version: 'TLSv1.3' }, { addresses: [...] }. */
  data?: Record<string, unknown>;
};

export type SiteCheckReport = {
  /** The URL as given and the host checked. */
  url: string;
  host: string;
  checkedAt: string; // ISO instant
  /** fail if any check failed, warn if any warned, else pass. */
  verdict: Exclude<CheckVerdict, 'skip'>;
  results: SiteCheckResult[];
};

export type SiteCheckOptions = {
  /** DNS servers ("ip" or "ip:port"); default the system's. Tests point this at their own DNS server. */
  dnsServers?: string[];
  /** Extra trusted CA certificates (PEM), added to Node's bundled roots; tests add their test CA. */
  extraCa?: string[];
  /** Per network step, ms. */
  timeoutMs?: number;
  /** Check MX, SPF and DMARC (the domain receives mail). */
  mailDomain?: boolean;
  /** The site belongs to a state body: require .gov.vn. */
  stateBody?: boolean;
  /** A certificate expiring within this many days warns (default 30). */
  expiryWarnDays?: number;
  now?: Date;
};
