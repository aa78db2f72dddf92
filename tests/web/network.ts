import { beforeEach } from 'vitest';

// The component tests' server. Import this module FIRST, before anything that loads src/web/api/client.ts:
// openapi-fetch keeps the fetch and Request it finds when the client is created. Relative addresses ('/api/…') are
// read against the page's origin, as a browser reads them. Before each test the record is emptied and every route
// forgotten (an unknown route answers 404), so a test states the whole server it needs with `serve`.

const origin = () => (globalThis as unknown as { location: { origin: string } }).location.origin;

const BaseRequest = globalThis.Request;
class PageRequest extends BaseRequest {
  constructor(input: string | URL | Request, init?: RequestInit) {
    super(typeof input === 'string' && input.startsWith('/') ? new URL(input, origin()) : input, init);
  }
}
globalThis.Request = PageRequest as typeof Request;

/** A request the page sent: method, path, query, headers and body (parsed if JSON). */
export type Sent = { method: string; path: string; query: URLSearchParams; headers: Headers; body: unknown };

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** What a route answers: a body (sent as JSON, status 200), or a `json(body, status)` for another status. */
type Route = (req: Sent) => unknown;
type Routes = Partial<Record<`${Method} /${string}`, Route>>;

let routes: Routes = {};
const sent: Sent[] = [];

beforeEach(() => {
  routes = {};
  sent.length = 0;
});

/** A JSON answer with `status`. */
export const json = (body: unknown, status = 200) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });

globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
  const request = input instanceof Request ? input : new Request(input, init);
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  const text = request.method === 'GET' ? '' : await request.text();
  const req: Sent = {
    method: request.method,
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: text && headers.get('content-type')?.includes('application/json') ? JSON.parse(text) : text || undefined,
  };
  sent.push(req);
  const key = `${req.method} ${req.path}` as keyof Routes;
  const route = routes[key];
  if (!route) return json({ error: { code: 'NOT_FOUND', message: `no stub for ${key}` } }, 404);
  const answer = await route(req);
  return answer instanceof Response ? answer : json(answer);
};

/** What the server answers in this test: a route per `METHOD /path` (the query left out); others answer 404. */
export const serve = (next: Routes) => {
  routes = next;
};

/** The requests sent in this test to `path` (without its query) with `method`, oldest first. */
export const sentTo = (path: string, method: Method = 'GET') =>
  sent.filter((r) => r.path === path && r.method === method);

/** The query of the last GET of `path`. */
export const lastQuery = (path: string): URLSearchParams => {
  const last = sentTo(path).at(-1);
  if (!last) throw new Error(`nothing was sent to ${path}`);
  return last.query;
};
