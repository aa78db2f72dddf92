// Connections to the addresses our own resolver returned (never a name handed to the system), with a time limit on
// every step and a size limit on every answer.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type DetailedPeerCertificate, type TLSSocket, connect as tlsConnect } from 'node:tls';

const USER_AGENT = 'khien-sites-check/1 (+website trust check)';
/** What is read of a page at most: enough for a home page's links, bounded against endless bodies. */
export const BODY_LIMIT = 1024 * 1024;
/**
 * A client that still accepts TLS 1.0/1.1 and the ciphers OpenSSL 3 refuses by default: used only after a normal
 * handshake failed, to tell "speaks only an old TLS" apart from "does not answer HTTPS".
 */
const LEGACY_TLS = { minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' } as const;

export type TlsMode = 'modern' | 'legacy';

export class StepError extends Error {
  constructor(
    readonly step: 'connect' | 'tls' | 'http',
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const errText = (e: unknown) => {
  const err = e as NodeJS.ErrnoException;
  // OpenSSL's messages carry a hex prefix and a source path around the one phrase that matters.
  const message = /SSL routines:[^:]*:([^:]+)/.exec(err.message)?.[1] ?? err.message.split('\n')[0];
  return err.code ? `${err.code}: ${message}` : String(message ?? e);
};

function connectOne(address: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new StepError('connect', `${address} port ${port}: no answer within ${timeoutMs} ms`, 'ETIMEDOUT'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      // Later errors reach whoever uses the socket (TLS, HTTP); this keeps a second one from being unhandled.
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new StepError('connect', `${address} port ${port}: ${errText(e)}`, e.code));
    });
  });
}

/** The first of the addresses that accepts a TCP connection, tried in order. */
export async function connectTcp(addresses: string[], port: number, timeoutMs: number) {
  let last: StepError = new StepError('connect', 'no address to connect to');
  for (const address of addresses) {
    try {
      return { socket: await connectOne(address, port, timeoutMs), address };
    } catch (e) {
      last = e as StepError;
    }
  }
  throw last;
}

function handshake(socket: Socket, host: string, ca: string[], mode: TlsMode, timeoutMs: number) {
  return new Promise<TLSSocket>((resolve, reject) => {
    const t = tlsConnect({
      socket,
      // SNI carries names only, never an address.
      servername: isIP(host) ? undefined : host,
      ca,
      // The chain and the name are judged separately (tls_chain_valid, tls_name_match), so no failure stops here.
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
      ...(mode === 'legacy' ? LEGACY_TLS : {}),
    });
    const timer = setTimeout(() => {
      t.destroy();
      reject(new StepError('tls', `TLS handshake took longer than ${timeoutMs} ms`, 'ETIMEDOUT'));
    }, timeoutMs);
    t.once('secureConnect', () => {
      clearTimeout(timer);
      t.on('error', () => {});
      resolve(t);
    });
    t.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      t.destroy();
      reject(new StepError('tls', errText(e), e.code));
    });
  });
}

export type TlsConnection = { socket: TLSSocket; address: string; mode: TlsMode; modernError?: string };

/**
 * A TLS connection as a current browser would make it; when that handshake fails, a second one that also offers
 * TLS 1.0/1.1 finds out whether the server speaks only an old version (mode 'legacy', with the first error kept).
 */
export async function openTls(
  addresses: string[],
  port: number,
  host: string,
  ca: string[],
  timeoutMs: number,
  mode: TlsMode = 'modern',
): Promise<TlsConnection> {
  const first = await connectTcp(addresses, port, timeoutMs);
  try {
    return { socket: await handshake(first.socket, host, ca, mode, timeoutMs), address: first.address, mode };
  } catch (e) {
    first.socket.destroy();
    if (mode === 'legacy' || (e as StepError).code === 'ETIMEDOUT') throw e;
    const again = await connectTcp([first.address], port, timeoutMs);
    try {
      const socket = await handshake(again.socket, host, ca, 'legacy', timeoutMs);
      return { socket, address: again.address, mode: 'legacy', modernError: (e as StepError).message };
    } catch {
      again.socket.destroy();
      throw e;
    }
  }
}

export type TlsFacts = {
  protocol: string | null;
  cipher: string;
  authorized: boolean;
  authorizationError: string | null;
  certificate: DetailedPeerCertificate;
};

export function tlsFacts(socket: TLSSocket): TlsFacts {
  const error = socket.authorizationError as unknown;
  return {
    protocol: socket.getProtocol(),
    cipher: socket.getCipher().name,
    authorized: socket.authorized,
    authorizationError: error ? String((error as { code?: string }).code ?? error) : null,
    certificate: socket.getPeerCertificate(true),
  };
}

export type HttpAnswer = {
  status: number;
  headers: IncomingHttpHeaders;
  /** The first BODY_LIMIT bytes as UTF-8 (empty when the body was not wanted). */
  body: string;
  truncated: boolean;
};

const hostHeader = (host: string, port: number, defaultPort: number) =>
  `${isIP(host) === 6 ? `[${host}]` : host}${port === defaultPort ? '' : `:${port}`}`;

/** One GET over an open connection (plain or TLS); the connection is closed afterwards. */
export function exchange(
  socket: Socket,
  target: { host: string; port: number; path: string; defaultPort: number },
  timeoutMs: number,
  bodyLimit: number,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn();
      socket.destroy();
    };
    const req = httpRequest({
      createConnection: () => socket,
      method: 'GET',
      path: target.path,
      headers: {
        host: hostHeader(target.host, target.port, target.defaultPort),
        'user-agent': USER_AGENT,
        accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
        'accept-encoding': 'identity',
        connection: 'close',
      },
    });
    const timer = setTimeout(
      () => finish(() => reject(new StepError('http', `no complete answer within ${timeoutMs} ms`, 'ETIMEDOUT'))),
      timeoutMs,
    );
    req.once('error', (e) => finish(() => reject(new StepError('http', errText(e)))));
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = (truncated: boolean) => ({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: new TextDecoder().decode(Buffer.concat(chunks)),
        truncated,
      });
      if (bodyLimit === 0) return finish(() => resolve(answer(false)));
      res.on('data', (chunk: Buffer) => {
        const room = bodyLimit - size;
        chunks.push(chunk.subarray(0, room));
        size += Math.min(chunk.length, room);
        if (size >= bodyLimit) finish(() => resolve(answer(true)));
      });
      res.once('end', () => finish(() => resolve(answer(false))));
      res.once('error', (e) => finish(() => reject(new StepError('http', errText(e)))));
      // The server closed before the end of the body: what arrived is all there is.
      res.once('close', () => finish(() => resolve(answer(true))));
    });
    req.end();
  });
}
