import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { page, valuesOf, zDay, zInstant } from '../../core/contract.ts';
import { outcomeNames, type ScanKind, type ScanRule, type SocEvent } from './engine/types.ts';
import { logFormats } from './parsers/formats.ts';
import type { LogFormat } from './parsers/types.ts';
import { SOC_FINDING_STATUSES, SOC_LOG_FORMATS, ZSocFindingStatus, ZSocLogFormat } from './soc.input.ts';
import { SOC_FINDING_KINDS, type SOC_TRIAGE, socFindings } from './soc.schema.ts';

/** What the SOC routes answer (the web client's types are generated from these). */

export { ZSocFindingStatus, ZSocLogFormat };

// The forms' value lists (soc.input.ts, free of server code) are the database's and the parsers' own.
valuesOf<(typeof SOC_TRIAGE)[number]>()(SOC_FINDING_STATUSES);
valuesOf<'auto' | LogFormat>()(SOC_LOG_FORMATS);
if (SOC_LOG_FORMATS.length !== logFormats.length + 1) throw new Error('soc.input.ts: SOC_LOG_FORMATS is out of date');

export const ZSocFindingKind = z.enum(SOC_FINDING_KINDS).meta({ id: 'SocFindingKind' });
/** How a scanner scanned: many hosts on one port, many ports of one host, or both. */
export const ZSocScanKind = z
  .enum(valuesOf<ScanKind>()(['horizontal', 'vertical', 'mixed']))
  .meta({ id: 'SocScanKind' });
/** A malicious contact: an internal host connecting out, or a listed host connecting in. */
export const ZSocContactDirection = z.enum(['outbound', 'inbound']).meta({ id: 'SocContactDirection' });
/**
 * Why a finding is its organisation's: the address is in the organisation's ranges (`source-range`), or an external
 * scanner sent that organisation the most failed attempts (`target-range`).
 */
export const ZSocAttribution = z.enum(['source-range', 'target-range']).meta({ id: 'SocAttribution' });
/** The kinds of log event the engine reads. */
export const ZSocEventKind = z
  .enum(valuesOf<SocEvent['kind']>()(['flow', 'dns', 'tls', 'http']))
  .meta({ id: 'SocEventKind' });
/** The word a flow evidence sample's text starts with (the UI translates it). */
export const SOC_EVIDENCE_OUTCOMES = ['ok', 'failed', 'half-open', 'unknown'] as const;
if (Object.values(outcomeNames).some((o) => !(SOC_EVIDENCE_OUTCOMES as readonly string[]).includes(o)))
  throw new Error('soc.contract.ts: SOC_EVIDENCE_OUTCOMES is out of date');
export const ZSocEvidenceOutcome = z.enum(SOC_EVIDENCE_OUTCOMES).meta({ id: 'SocEvidenceOutcome' });

/**
 * What kind of problem made a line unreadable (the UI groups and translates them; `reason` keeps the parser's
 * own words, which name the field).
 */
export const SOC_LINE_ERROR_KINDS = [
  'unrecognised_format',
  'invalid_json',
  'header',
  'field_count',
  'missing_field',
  'invalid_field',
  'not_syslog',
  'line_too_long',
  'nul_character',
  'not_indicator',
  'other',
] as const;
export const ZSocLineErrorKind = z.enum(SOC_LINE_ERROR_KINDS).meta({ id: 'SocLineErrorKind' });

export const ZSocLineError = z
  .object({ line: z.number().int(), reason: z.string(), kind: ZSocLineErrorKind })
  .meta({ id: 'SocLineError' });

/** An organisation a finding concerns (its own, or one a scanner swept) that the viewer may see. */
const ZConcernedOrganisation = z.object({ id: z.uuid(), name: z.string() }).meta({ id: 'SocConcernedOrganisation' });

/** A compact copy of an event kept as evidence; `dst` is empty and flagged when it is another agency's host. */
export const ZSocEvidenceSample = z
  .object({
    /** Event time, seconds since the Unix epoch (fractional). */
    ts: z.number(),
    src: z.string(),
    dst: z.string(),
    srcPort: z.number().int(),
    dstPort: z.number().int(),
    proto: z.string(),
    what: z.string(),
    /** The outcome word `what` starts with, when it starts with one. */
    outcome: ZSocEvidenceOutcome.optional(),
    /** The file (or live source) and line the event came from. */
    input: z.string(),
    line: z.number().int(),
    dstOtherOrganisation: z.boolean().optional(),
  })
  .meta({ id: 'SocEvidenceSample' });

export const ZSocScanRule = z
  .enum(valuesOf<ScanRule>()(['horizontal', 'vertical', 'icmp-sweep', 'trw']))
  .meta({ id: 'SocScanRule' });

/** One rule that fired for a scanner, with the numbers that made it fire. */
export const ZSocScanRuleHit = z
  .object({
    rule: ZSocScanRule,
    threshold: z.number(),
    observed: z.number(),
    /** When the rule fired (event time, epoch seconds). */
    at: z.number(),
    windowStart: z.number().optional(),
    windowSeconds: z.number().optional(),
    /** Horizontal: the swept port; vertical: the scanned target. */
    port: z.number().int().optional(),
    proto: z.string().optional(),
    target: z.string().optional(),
    explanation: z.string(),
  })
  .meta({ id: 'SocScanRuleHit' });

/** What matched a threat indicator for a malicious contact. */
export const ZSocContactRuleHit = z
  .object({
    /** The event kinds that matched. */
    matchedOn: z.array(ZSocEventKind),
    confidence: z.number().optional(),
    indicatorId: z.string().optional(),
  })
  .meta({ id: 'SocContactRuleHit' });

const ZRuleHit = z.union([ZSocScanRuleHit, ZSocContactRuleHit]);

/** A stored finding row (what triage answers). */
export const ZSocFindingRecord = createSelectSchema(socFindings, {
  kind: ZSocFindingKind,
  status: ZSocFindingStatus,
  attribution: ZSocAttribution.nullable(),
  scanKind: ZSocScanKind.nullable(),
  direction: ZSocContactDirection.nullable(),
  rules: z.array(ZRuleHit),
  evidence: z.array(ZSocEvidenceSample),
});

/** The finding lists' sort keys (each mapped to a column in the service). */
export const SOC_FINDING_SORTS = [
  'ip',
  'indicator',
  'organisation',
  'count',
  'targets',
  'firstSeen',
  'lastSeen',
  'status',
] as const;
export const ZSocFindingSort = z.enum(SOC_FINDING_SORTS).meta({ id: 'SocFindingSort' });
/** Inside the province's networks (and private ranges) or outside. */
export const ZSocOrigin = z.enum(['internal', 'external']).meta({ id: 'SocOrigin' });

/**
 * A finding in a list. For a viewer who sees it only as an agency the scanner swept (`sweptOnly`), `count` is the
 * failed attempts on the viewer's own hosts and the scanner's totals, its organisation and the triage note are
 * withheld.
 */
export const ZSocFinding = z
  .object({
    id: z.uuid(),
    kind: ZSocFindingKind,
    ip: z.string(),
    organisationId: z.uuid().nullable(),
    organisationName: z.string().nullable(),
    attribution: ZSocAttribution.nullable(),
    internal: z.boolean(),
    scanKind: ZSocScanKind.nullable(),
    slow: z.boolean().nullable(),
    indicator: z.string().nullable(),
    indicatorType: z.string().nullable(),
    indicatorSource: z.string().nullable(),
    direction: ZSocContactDirection.nullable(),
    firstSeen: zInstant,
    lastSeen: zInstant,
    status: ZSocFindingStatus,
    organisations: z.array(ZConcernedOrganisation),
    sweptOnly: z.boolean(),
    triageNote: z.string().nullable(),
    count: z.number().int().nullable(),
    distinctTargets: z.number().int().nullable(),
    distinctPorts: z.number().int().nullable(),
  })
  .meta({ id: 'SocFinding' });

/** One page of a finding list, with the number of findings the filters match. */
export const ZSocFindingPage = page(ZSocFinding).meta({ id: 'SocFindingPage' });

/** What one ingest saw of a finding; failed attempts per organisation only for the province-wide view. */
export const ZSocSighting = z
  .object({
    ingestId: z.uuid(),
    source: z.string(),
    firstSeen: zInstant,
    lastSeen: zInstant,
    count: z.number().int().nullable(),
    distinctTargets: z.number().int().nullable(),
    distinctPorts: z.number().int().nullable(),
    organisationAttempts: z.record(z.string(), z.number().int()).nullable().optional(),
  })
  .meta({ id: 'SocSighting' });

/** One triage decision on a finding, from the audit log: when, by whom (display name), from what to what, why. */
export const ZSocTriageEvent = z
  .object({
    at: zInstant,
    actorName: z.string(),
    from: ZSocFindingStatus.nullable(),
    to: ZSocFindingStatus,
    note: z.string().nullable(),
  })
  .meta({ id: 'SocTriageEvent' });

/** A finding with its rule hits, evidence and sightings, as far as the viewer may see them. */
export const ZSocFindingDetail = ZSocFindingRecord.extend({
  /** The attributed organisation's name, for a viewer who may see it. */
  organisationName: z.string().nullable(),
  sweptOnly: z.boolean(),
  organisations: z.array(ZConcernedOrganisation),
  sightings: z.array(ZSocSighting),
  /** Newest first; empty for a viewer who sees the finding only as an agency it swept. */
  triageHistory: z.array(ZSocTriageEvent),
  /** The incidents it was escalated to, as far as the viewer may see them. */
  incidents: z.array(z.object({ id: z.string(), code: z.string(), title: z.string(), state: z.string() })),
}).meta({ id: 'SocFindingDetail' });

/** What triage answers: the finding, and the incident an escalation opened or linked (null otherwise). */
export const ZSocTriageResult = ZSocFindingRecord.extend({ incidentId: z.string().nullable() }).meta({
  id: 'SocTriageResult',
});

/** The SOC's period statement. */
export const ZSocSummary = z
  .object({
    period: z.object({ from: zDay, to: zDay, asOf: zDay }),
    /** Distinct addresses that scanned the network. */
    scanningIps: z.number().int(),
    internalScanningIps: z.number().int(),
    /** Distinct hosts that connected to malicious servers. */
    maliciousContactIps: z.number().int(),
    byOrganisation: z.array(
      z.object({
        organisationId: z.uuid().nullable(),
        name: z.string().nullable(),
        scanningIps: z.number().int(),
        maliciousContactIps: z.number().int(),
      }),
    ),
    byTriage: z.record(ZSocFindingStatus, z.number().int()),
    /**
     * Whether any log data was ever ingested, province-wide (false on a fresh install: nothing was analysed yet, so
     * the zeros say nothing). Not a figure of the period: re-running or redelivering data leaves it as it was.
     */
    ingested: z.boolean(),
  })
  .meta({ id: 'SocSummary' });

/** The answer to a log upload (`duplicate`: the same file was already ingested, nothing was done). */
export const ZSocIngestReport = z
  .object({
    ingestId: z.uuid(),
    duplicate: z.boolean(),
    format: z.string().nullable(),
    events: z.number().int(),
    rejected: z.number().int(),
    errors: z.array(ZSocLineError),
    scanners: z.number().int(),
    maliciousContacts: z.number().int(),
  })
  .meta({ id: 'SocIngestReport' });

/** One batch of log data run through the engine (an uploaded file or a day of a live collector). */
export const ZSocIngest = z
  .object({
    id: z.uuid(),
    source: z.string(),
    format: z.string().nullable(),
    events: z.number().int(),
    rejected: z.number().int(),
    /** First rejected lines with their line numbers. */
    errors: z.array(ZSocLineError),
    startedAt: zInstant,
    finishedAt: zInstant.nullable(),
  })
  .meta({ id: 'SocIngest' });

/** A threat-intelligence source and its indicator counts. */
export const ZSocIntelSource = z
  .object({
    source: z.string(),
    indicators: z.number().int(),
    ips: z.number().int(),
    domains: z.number().int(),
    urls: z.number().int(),
    updatedAt: zInstant,
  })
  .meta({ id: 'SocIntelSource' });

/** The answer to a threat-intelligence upload. */
export const ZSocIntelImportReport = z
  .object({
    format: z.string(),
    added: z.number().int(),
    updated: z.number().int(),
    rejected: z.array(ZSocLineError),
    skipped: z.number().int(),
  })
  .meta({ id: 'SocIntelImportReport' });
