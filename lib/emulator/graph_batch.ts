/**
 * `POST /{version}/$batch` in the emulator (reference section 7): at most 20 requests, ids unique
 * (case-insensitively), `headers` with `Content-Type` when a `body` is given, `dependsOn` naming
 * earlier ids. Each item runs through the same Graph pipeline as a single request (authorization
 * from the batch's own `Authorization` header, faults, throttle), in order; an item whose
 * dependency failed answers 424. Whether real Graph batches communications endpoints is
 * UNCONFIRMED: the emulator does.
 *
 * @module
 */

/** The largest batch Graph accepts. */
export const MAX_BATCH = 20;

/** One item, as the emulator runs it. */
export interface BatchItemRequest {
  /** HTTP method. */
  method: string;
  /** Absolute path, version included. */
  path: string;
  /** Item headers (plus the batch's Authorization). */
  headers: Headers;
  /** JSON body text, if any. */
  body: string | undefined;
}

/** Runs one item and returns its answer. */
export type BatchDispatch = (item: BatchItemRequest) => Promise<Response>;

/** What the batch answers: a refusal, or the responses. */
export type BatchOutcome =
  | { error: { status: number; code: string; message: string } }
  | { responses: Record<string, unknown>[] };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function refuse(message: string): BatchOutcome {
  return { error: { status: 400, code: "BadRequest", message } };
}

/** Runs a batch body. */
export async function runBatch(
  body: unknown,
  version: string,
  outer: Headers,
  dispatch: BatchDispatch,
): Promise<BatchOutcome> {
  if (!isObject(body) || !Array.isArray(body.requests)) {
    return refuse("The batch body must be an object with a 'requests' array.");
  }
  const requests = body.requests as unknown[];
  if (requests.length === 0) return refuse("The batch must contain at least one request.");
  if (requests.length > MAX_BATCH) {
    return refuse(
      `The batch contains ${requests.length} requests; at most ${MAX_BATCH} are allowed.`,
    );
  }
  const ids = new Set<string>();
  for (const [i, r] of requests.entries()) {
    if (!isObject(r)) return refuse(`requests[${i}] must be an object.`);
    if (typeof r.id !== "string" || !r.id) return refuse(`requests[${i}].id is required.`);
    if (ids.has(r.id.toLowerCase())) return refuse(`The request id '${r.id}' is used twice.`);
    if (typeof r.method !== "string") return refuse(`requests[${i}].method is required.`);
    if (typeof r.url !== "string" || /^[a-z]+:/i.test(r.url)) {
      return refuse(`requests[${i}].url must be a relative URL.`);
    }
    if (r.body !== undefined) {
      const h = isObject(r.headers) ? r.headers : {};
      if (!Object.keys(h).some((k) => k.toLowerCase() === "content-type")) {
        return refuse(`requests[${i}].headers must include Content-Type when a body is given.`);
      }
    }
    if (r.dependsOn !== undefined) {
      if (!Array.isArray(r.dependsOn)) return refuse(`requests[${i}].dependsOn must be an array.`);
      for (const d of r.dependsOn) {
        if (typeof d !== "string" || !ids.has(d.toLowerCase())) {
          return refuse(`requests[${i}].dependsOn names '${d}', which is not an earlier request.`);
        }
      }
    }
    ids.add(r.id.toLowerCase());
  }
  const statusById = new Map<string, number>();
  const responses: Record<string, unknown>[] = [];
  for (const r of requests as Record<string, unknown>[]) {
    const id = r.id as string;
    const deps = (r.dependsOn as string[] | undefined) ?? [];
    const failedDep = deps.find((d) => (statusById.get(d.toLowerCase()) ?? 0) >= 400);
    if (failedDep !== undefined) {
      statusById.set(id.toLowerCase(), 424);
      responses.push({
        id,
        status: 424,
        headers: { "content-type": "application/json" },
        body: {
          error: {
            code: "FailedDependency",
            message: `The request depends on '${failedDep}', which failed.`,
          },
        },
      });
      continue;
    }
    const headers = new Headers(isObject(r.headers) ? (r.headers as Record<string, string>) : {});
    const auth = outer.get("authorization");
    if (auth) headers.set("authorization", auth);
    const crid = outer.get("client-request-id");
    if (crid && !headers.has("client-request-id")) headers.set("client-request-id", crid);
    const url = (r.url as string).startsWith("/") ? r.url as string : `/${r.url}`;
    const response = await dispatch({
      method: (r.method as string).toUpperCase(),
      path: `/${version}${url}`,
      headers,
      body: r.body === undefined ? undefined : JSON.stringify(r.body),
    });
    statusById.set(id.toLowerCase(), response.status);
    const text = await response.text().catch(() => "");
    let itemBody: unknown = undefined;
    try {
      itemBody = text ? JSON.parse(text) : undefined;
    } catch {
      itemBody = text;
    }
    const itemHeaders: Record<string, string> = {};
    for (const name of ["retry-after", "location", "content-type"]) {
      const v = response.headers.get(name);
      if (v) itemHeaders[name] = v;
    }
    responses.push({
      id,
      status: response.status,
      headers: itemHeaders,
      ...(itemBody !== undefined ? { body: itemBody } : {}),
    });
  }
  return { responses };
}
