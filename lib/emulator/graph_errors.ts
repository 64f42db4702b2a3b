/**
 * Graph's answers: the error envelope `{"error":{"code","message","innerError":{"date",
 * "request-id","client-request-id"}}}` echoing the caller's `client-request-id`, and JSON bodies
 * with Graph's `Content-Type` (`application/json;odata.metadata=minimal;...`).
 *
 * @module
 */

/** The `Content-Type` of Graph's JSON answers. */
export const GRAPH_JSON =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** The ids every Graph response carries. */
export interface GraphRequestIds {
  requestId: string;
  clientRequestId: string | undefined;
  date: string;
}

/** Headers every Graph response carries. */
export function graphHeaders(ids: GraphRequestIds, extra: Record<string, string> = {}): Headers {
  const h = new Headers(extra);
  h.set("request-id", ids.requestId);
  if (ids.clientRequestId) h.set("client-request-id", ids.clientRequestId);
  h.set("date", ids.date);
  return h;
}

/** A Graph error response. */
export function graphError(
  status: number,
  code: string,
  message: string,
  ids: GraphRequestIds,
  extraHeaders: Record<string, string> = {},
): Response {
  const innerError: Record<string, string> = {
    date: ids.date.replace(/ GMT$/, ""),
    "request-id": ids.requestId,
  };
  innerError.date = new Date(ids.date).toISOString().replace(/\.\d+Z$/, "");
  if (ids.clientRequestId) innerError["client-request-id"] = ids.clientRequestId;
  return Response.json(
    { error: { code, message, innerError } },
    { status, headers: graphHeaders(ids, extraHeaders) },
  );
}

/**
 * The JSON body of a POST, or the Graph error to answer instead: 415 unless the Content-Type is
 * `application/json` (the body is then not read), 400 `invalidJson` when it does not parse.
 */
export async function readJsonBody(
  request: Request,
  ids: GraphRequestIds,
  invalidJson: string,
): Promise<{ body: unknown } | Response> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    await request.body?.cancel();
    return graphError(415, "UnsupportedMediaType", "Content-Type must be application/json.", ids);
  }
  try {
    return { body: await request.json() };
  } catch {
    return graphError(400, "BadRequest", invalidJson, ids);
  }
}

/** A Graph JSON answer with Graph's `Content-Type` and the request ids. */
export function graphJson(
  body: unknown,
  ids: GraphRequestIds,
  init: { status?: number; headers?: Record<string, string> } = {},
): Response {
  const headers = graphHeaders(ids, init.headers);
  headers.set("content-type", GRAPH_JSON);
  return new Response(JSON.stringify(body), { status: init.status ?? 200, headers });
}
