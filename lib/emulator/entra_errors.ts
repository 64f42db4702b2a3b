/**
 * Entra's error response: seven fields, `error_description` in Entra's layout
 * (`AADSTSnnnn: text\r\nTrace ID: ...\r\nCorrelation ID: ...\r\nTimestamp: ...`),
 * 401 for `invalid_client`, 400 otherwise.
 *
 * @module
 */

/** Formats a timestamp as Entra does: `YYYY-MM-DD HH:MM:SSZ`. */
export function entraTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** Builds an Entra error response. */
export function entraError(
  aadsts: number,
  error: string,
  text: string,
  options: { now: number; correlationId?: string; status?: number },
): Response {
  const traceId = crypto.randomUUID();
  const correlationId = options.correlationId ?? crypto.randomUUID();
  const timestamp = entraTimestamp(options.now);
  const body = {
    error,
    error_description:
      `AADSTS${aadsts}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
  };
  return Response.json(body, {
    status: options.status ?? (error === "invalid_client" ? 401 : 400),
    headers: { "cache-control": "no-store", "x-ms-request-id": traceId },
  });
}
