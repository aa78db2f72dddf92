import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZOk } from '../../core/contract.ts';
import type { Db } from '../../core/db/client.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { registerStreamingUploads, spool } from '../../server/upload.ts';
import {
  ZSocFindingDetail,
  ZSocFindingPage,
  ZSocIngest,
  ZSocIngestReport,
  ZSocIntelImportReport,
  ZSocIntelSource,
  ZSocSummary,
  ZSocTriageResult,
} from './soc.contract.ts';
import { registerSocExports } from './soc.export.ts';
import { ZSocIntelImportQuery, ZSocLogUploadQuery, ZSocTriageInput } from './soc.input.ts';
import {
  deleteIntelSource,
  getSocFinding,
  importIntel,
  ingestLogFile,
  listIngests,
  listIntelSources,
  listSocFindings,
  socSummary,
  triageSocFinding,
  ZSocFindingQuery,
  ZSocPeriod,
} from './soc.service.ts';

const ZId = z.object({ id: z.uuid() });
const MAX_LOG_BYTES = 4 * 1024 ** 3;
/** Feeds are parsed as one text (STIX and MISP are single JSON documents); the limit bounds it. */
const MAX_INTEL_BYTES = 200 * 1024 ** 2;

export function registerSocRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerSocExports(app, { db });
  r.get(
    '/api/soc/summary',
    {
      config: { permission: 'soc.read' },
      schema: {
        tags: ['soc'],
        summary: 'N IPs scanned the network, M IPs contacted malicious servers, in a period and subtree',
        querystring: ZSocPeriod,
        response: { 200: ZSocSummary },
      },
    },
    async (req) => socSummary(db, req.scope, req.query),
  );
  r.get(
    '/api/soc/findings',
    {
      config: { permission: 'soc.read' },
      schema: {
        tags: ['soc'],
        summary:
          'One page of scanners or malicious contacts (sorted, searched by IP or indicator, filtered), with the total',
        querystring: ZSocFindingQuery,
        response: { 200: ZSocFindingPage },
      },
    },
    async (req) => listSocFindings(db, req.scope, req.query),
  );
  r.get(
    '/api/soc/findings/:id',
    {
      config: { permission: 'soc.read' },
      schema: {
        tags: ['soc'],
        summary: 'A finding with its rule hits, evidence and sightings',
        params: ZId,
        response: { 200: ZSocFindingDetail },
      },
    },
    async (req) => getSocFinding(db, req.scope, req.params.id),
  );
  r.post(
    '/api/soc/findings/:id/triage',
    {
      config: { permission: 'soc.triage' },
      schema: {
        tags: ['soc'],
        summary: 'Triage a finding; escalating opens an incident from it, or links it to `incidentId`',
        params: ZId,
        body: ZSocTriageInput,
        response: { 200: ZSocTriageResult },
      },
    },
    async (req) => triageSocFinding(db, actorOf(req), req.scope, req.params.id, req.body),
  );
  r.get(
    '/api/soc/ingests',
    { config: { permission: 'soc.ingest' }, schema: { tags: ['soc'], response: { 200: z.array(ZSocIngest) } } },
    async () => listIngests(db),
  );
  r.get(
    '/api/soc/intel',
    {
      config: { permission: 'soc.ingest' },
      schema: {
        tags: ['soc'],
        summary: 'Threat-intelligence sources and their indicator counts',
        response: { 200: z.array(ZSocIntelSource) },
      },
    },
    async () => listIntelSources(db),
  );
  r.delete(
    '/api/soc/intel/:source',
    {
      config: { permission: 'soc.ingest' },
      schema: { tags: ['soc'], params: z.object({ source: z.string().min(1).max(200) }), response: { 200: ZOk } },
    },
    async (req) => {
      await deleteIntelSource(db, actorOf(req), req.params.source);
      return { ok: true as const };
    },
  );

  registerStreamingUploads(app, (scoped) => {
    const s = scoped.withTypeProvider<ZodTypeProvider>();
    s.post(
      '/api/soc/logs',
      {
        config: { permission: 'soc.ingest' },
        bodyLimit: MAX_LOG_BYTES,
        schema: {
          tags: ['soc'],
          summary:
            'Run a log file (Zeek, Suricata EVE, nfdump CSV, firewall syslog; gzip allowed) through the engine and store findings',
          querystring: ZSocLogUploadQuery,
          response: { 200: ZSocIngestReport, 201: ZSocIngestReport },
        },
      },
      async (req, reply) => {
        // A client that goes away stops the analysis (a large or hostile file can take long).
        const gone = new AbortController();
        reply.raw.once('close', () => {
          // 499 (nginx's "client closed request"): an answer nobody reads, and no error logged as the server's.
          const reason = Object.assign(new Error('The client closed the connection'), { statusCode: 499 });
          if (!reply.raw.writableEnded) gone.abort(reason);
        });
        const result = await spool(req.body, (path) =>
          ingestLogFile(db, actorOf(req), path, {
            fileName: req.query.fileName,
            format: req.query.format,
            signal: gone.signal,
          }),
        );
        return reply.code(result.duplicate ? 200 : 201).send(result);
      },
    );
    s.post(
      '/api/soc/intel',
      {
        config: { permission: 'soc.ingest' },
        bodyLimit: MAX_INTEL_BYTES,
        schema: {
          tags: ['soc'],
          summary:
            'Load a threat-intelligence feed (IP/CIDR/domain/URL list, CSV, STIX 2.1 bundle, MISP event) under a source name',
          querystring: ZSocIntelImportQuery,
          response: { 200: ZSocIntelImportReport },
        },
      },
      async (req) =>
        spool(req.body, async (path) => importIntel(db, actorOf(req), await readFile(path, 'utf8'), req.query.source)),
    );
  });
}
