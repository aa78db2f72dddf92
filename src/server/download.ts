import type { FastifyReply } from 'fastify';
import { zFile } from '../core/contract.ts';

/** Stored bytes a route hands back as a file. */
export type Download = { fileName: string; mediaType: string; sha256: string; content: Buffer };

/**
 * Sends stored bytes as a download: always an attachment (never rendered inline), its name in any script (RFC 6266
 * `filename*`), and its SHA-256 in `x-content-sha256` so the receiver can check what it got.
 */
export function sendDownload(reply: FastifyReply, file: Download) {
  return reply
    .header('content-type', file.mediaType)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
    .header('x-content-sha256', file.sha256)
    .send(file.content);
}

/** The success response of a route that hands back a file someone uploaded (evidence): bytes, never rendered. */
export const uploadedFileResponse = {
  description: 'The file as uploaded, always as an attachment of bytes',
  content: { 'application/octet-stream': { schema: zFile } },
};

/** Sends an uploaded file back as bytes to save, whatever type it claims: an upload may be hostile (HTML, scripts). */
export const sendUploadedFile = (reply: FastifyReply, file: Download) =>
  sendDownload(reply, { ...file, mediaType: 'application/octet-stream' });
