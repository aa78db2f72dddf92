// Verdicts on a TLS connection's facts: chain, name, dates, version.
import { X509Certificate } from 'node:crypto';
import { checkServerIdentity, type DetailedPeerCertificate, rootCertificates } from 'node:tls';
import type { TlsConnection, TlsFacts } from './connect.ts';
import { result } from './evaluate.ts';
import type { SiteCheckResult } from './types.ts';

const DAY_MS = 86_400_000;
const MODERN = new Set(['TLSv1.2', 'TLSv1.3']);

/** OpenSSL's verdicts in words people recognise. */
const CHAIN_ERRORS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a self-signed certificate that is not a trusted root',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'issuer not trusted (or an intermediate certificate is missing)',
  UNABLE_TO_GET_ISSUER_CERT: 'issuer not trusted (or an intermediate certificate is missing)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issuer not trusted (or an intermediate certificate is missing)',
  CERT_SIGNATURE_FAILURE: 'certificate signature does not verify',
  CERT_REVOKED: 'certificate revoked',
  INVALID_CA: 'an intermediate is not a valid CA certificate',
  CERT_UNTRUSTED: 'certificate not trusted',
};
/** Date errors: OpenSSL reports them instead of (or after) the trust question, which is answered on its own here. */
const DATE_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const parsePems = (pems: string[]) =>
  pems.flatMap((pem) => [...pem.matchAll(PEM)].map((m) => new X509Certificate(m[0])));
let bundledRoots: X509Certificate[] | undefined;

/** The peer's chain as sent (and completed from the store by OpenSSL), leaf first. */
function peerChain(leaf: DetailedPeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  for (
    let c: DetailedPeerCertificate | undefined = leaf;
    c?.raw && !seen.has(c.fingerprint256);
    c = c.issuerCertificate
  ) {
    seen.add(c.fingerprint256);
    chain.push(new X509Certificate(c.raw));
  }
  return chain;
}

/** Whether the chain, signatures only (dates aside), leads to one of the trusted certificates. */
function reachesTrust(leaf: DetailedPeerCertificate, extraCa: string[]): boolean {
  bundledRoots ??= parsePems([...rootCertificates]);
  const anchors = [...bundledRoots, ...parsePems(extraCa)];
  const chain = peerChain(leaf);
  let current = chain[0];
  for (let depth = 0; current && depth < 10; depth++) {
    const cert: X509Certificate = current;
    if (anchors.some((a) => a.fingerprint256 === cert.fingerprint256)) return true;
    if (anchors.some((a) => cert.checkIssued(a) && cert.verify(a.publicKey))) return true;
    current = chain.find((c) => c !== cert && cert.checkIssued(c) && cert.verify(c.publicKey));
  }
  return false;
}

const commonName = (name: unknown) => {
  const cn = (name as Record<string, string | string[]> | undefined)?.CN;
  return Array.isArray(cn) ? cn.join(', ') : (cn ?? null);
};

export function judgeChain(facts: TlsFacts, extraCa: string[], now = new Date()): SiteCheckResult {
  const data = { issuer: commonName(facts.certificate.issuer) };
  if (facts.authorized) return result('tls_chain_valid', 'pass', `trusted chain (issuer ${data.issuer})`, data);
  const error = facts.authorizationError ?? 'unknown';
  if (DATE_ERRORS.has(error)) {
    if (!reachesTrust(facts.certificate, extraCa))
      return result('tls_chain_valid', 'fail', 'certificate not issued by a trusted authority', { ...data, error });
    // The leaf's dates are tls_expiry's question; an intermediate out of date breaks the chain for every browser.
    const stale = peerChain(facts.certificate)
      .slice(1)
      .find((c) => new Date(c.validTo) <= now || new Date(c.validFrom) > now);
    return stale
      ? result(
          'tls_chain_valid',
          'fail',
          `intermediate certificate ${stale.subject.replace(/^CN=/, '')} is out of date (valid ${stale.validFrom} – ${stale.validTo})`,
          { ...data, error, intermediate: stale.subject, validTo: new Date(stale.validTo).toISOString() },
        )
      : result(
          'tls_chain_valid',
          'pass',
          `chain leads to a trusted root (issuer ${data.issuer}); dates: see expiry`,
          data,
        );
  }
  return result('tls_chain_valid', 'fail', CHAIN_ERRORS[error] ?? error, { ...data, error });
}

export function judgeName(host: string, cert: DetailedPeerCertificate): SiteCheckResult {
  const data = { subject: commonName(cert.subject), subjectAltName: cert.subjectaltname ?? null };
  // Browsers read names from subjectAltName only (the CN fallback Node still has is gone from them since 2017).
  if (!cert.subjectaltname)
    return result('tls_name_match', 'fail', `certificate has no subjectAltName (CN ${data.subject ?? 'none'})`, data);
  const mismatch = checkServerIdentity(host, cert);
  return mismatch
    ? result(
        'tls_name_match',
        'fail',
        `certificate is for ${cert.subjectaltname ?? data.subject ?? 'no name'}, not ${host}`,
        data,
      )
    : result('tls_name_match', 'pass', `certificate covers ${host}`, data);
}

export function judgeExpiry(cert: DetailedPeerCertificate, now: Date, warnDays: number): SiteCheckResult {
  const validFrom = new Date(cert.valid_from);
  const validTo = new Date(cert.valid_to);
  // Whole days either way: 10.9 days left is 10, expired 10.1 days ago is -10.
  const daysLeft = Math.trunc((validTo.getTime() - now.getTime()) / DAY_MS) || 0;
  const data = { validFrom: validFrom.toISOString(), validTo: validTo.toISOString(), daysLeft };
  const until = data.validTo.slice(0, 10);
  if (validFrom > now) return result('tls_expiry', 'fail', `not valid before ${data.validFrom}`, data);
  if (validTo <= now) return result('tls_expiry', 'fail', `expired on ${until}`, data);
  if (daysLeft <= warnDays)
    return result('tls_expiry', 'warn', `expires on ${until}, in ${daysLeft} days (alert window ${warnDays})`, data);
  return result('tls_expiry', 'pass', `valid until ${until} (${daysLeft} days)`, data);
}

export function judgeVersion(connection: TlsConnection, protocol: string | null): SiteCheckResult {
  const version = protocol ?? 'unknown';
  if (connection.mode === 'modern') return result('tls_version', 'pass', version, { version });
  const data = { version, modernError: connection.modernError ?? null };
  return MODERN.has(version)
    ? result('tls_version', 'warn', `${version}, but only with ciphers current clients refuse`, data)
    : result('tls_version', 'fail', `the server speaks only ${version}; TLS 1.2 or later is required`, data);
}
