import { QueryClient } from '@tanstack/react-query';
import createFetchClient, { type Middleware } from 'openapi-fetch';
import createQueryHooks from 'openapi-react-query';
import { ApiError, apiErrorFrom, csrfHeader } from './errors.ts';
import type { paths } from './schema.gen.ts';

/** Errors become ApiError before any caller sees them; state changes carry the session's CSRF token. */
const middleware: Middleware = {
  onRequest({ request }) {
    for (const [k, v] of Object.entries(csrfHeader(request.method))) request.headers.set(k, v);
    return request;
  },
  async onResponse({ response }) {
    if (response.ok) return response;
    throw apiErrorFrom(response.status, response.statusText, await response.text());
  },
  onError({ error }) {
    return error instanceof ApiError ? error : new ApiError(0, 'NETWORK', (error as Error).message);
  },
};

/** The typed fetch client: paths, parameters, bodies and answers come from the generated `schema.gen.ts`. */
export const client = createFetchClient<paths>({ credentials: 'same-origin' });
client.use(middleware);

/** TanStack Query hooks over the client: `$api.useQuery('get', '/api/…', { params })`, `$api.useMutation(…)`. */
export const $api = createQueryHooks(client);

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Figures change when someone imports or decides: refetch on focus, keep a page's data 30 s between visits.
      staleTime: 30_000,
      retry: (count, error) => count < 2 && (error as { status?: number }).status === 0,
    },
  },
});
