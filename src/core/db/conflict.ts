import { AppError } from '../errors.ts';

/**
 * A unique violation (SQLSTATE 23505) that reached the HTTP layer: two requests raced past a service's own "already
 * exists?" check (two simultaneous first imports of one advisory). The loser gets 409 like the check would have
 * answered, never a 500. Drizzle wraps the driver's error, so the code is looked for along the cause chain.
 */
export function uniqueViolation(err: unknown): AppError | null {
  for (
    let e: unknown = err, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const { code, constraint } = e as { code?: unknown; constraint?: unknown };
    if (code === '23505')
      return new AppError(
        'CONFLICT',
        'The record already exists (another request created it at the same time); reload and try again',
        typeof constraint === 'string' ? { constraint } : undefined,
        { key: 'conflictRace' },
      );
  }
  return null;
}
