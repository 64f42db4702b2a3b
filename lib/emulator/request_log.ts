/**
 * The emulator's request log: method, path (without the query string), status,
 * `client-request-id` and time of each request. Bodies, headers, query strings, tokens, secrets
 * and assertions are never kept, so the log is safe to print or attach to a bug report.
 *
 * @module
 */

/** One logged request; secrets are never kept. */
export interface LoggedRequest {
  /** HTTP method. */
  method: string;
  /** Request path, without the query string. */
  path: string;
  /** The HTTP status the emulator answered. */
  status: number;
  /** The `client-request-id` header the client sent, if any. */
  clientRequestId: string | undefined;
  /** When it was served (ISO time, by the emulator's clock). */
  at: string;
}

/** How many requests the log keeps at least (up to a quarter more); older ones go first. */
export const LOG_LIMIT = 10_000;

const MAX_FIELD = 512;

/** Builds a log entry from a request; only the safe parts are read. */
export function logEntry(
  request: Request,
  status: number,
  now: number,
  pathname?: string,
): LoggedRequest {
  let path = pathname ?? "";
  if (pathname === undefined) {
    try {
      path = new URL(request.url).pathname;
    } catch {
      path = "";
    }
  }
  const id = request.headers.get("client-request-id") ?? undefined;
  return {
    method: request.method.slice(0, 32),
    path: path.slice(0, 2048),
    status,
    clientRequestId: id === undefined ? undefined : id.slice(0, MAX_FIELD),
    at: new Date(now).toISOString(),
  };
}

/**
 * Appends to a bounded log. The oldest entries are dropped in batches (when the log holds a
 * quarter more than {@link LOG_LIMIT}), so appending costs the same at any size: dropping one
 * entry per request shifted the whole array each time.
 */
export function appendLog(log: LoggedRequest[], entry: LoggedRequest): void {
  if (log.length >= LOG_LIMIT + (LOG_LIMIT >> 2)) log.splice(0, log.length - LOG_LIMIT + 1);
  log.push(entry);
}
