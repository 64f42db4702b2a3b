/**
 * The one path every operation takes on its way to Graph: the catalogue says whether the cloud
 * offers it (refused before anything is sent), builds its path from checked ids, and names it on
 * the request (for the 403 diagnosis and the trace); a dry run returns the request unsent; an
 * answer comes back with its ids and the id of what it created (from the body's `id` or the
 * `Location` header).
 *
 * @module
 */

import type { DryRunResult, GraphHttp, GraphResponse, ResponseMeta } from "./graph_http.ts";
import {
  ensureOffered,
  OPERATION_CATALOGUE,
  type OperationName,
  operationPath,
} from "./operations.ts";

/** One operation to run. */
export interface OperationCall {
  /** The catalogue name. */
  name: OperationName;
  /** The path parameters (ids), checked and encoded. */
  params?: Readonly<Record<string, string>>;
  /** The field name to report for each parameter when it is not a valid id. */
  fields?: Readonly<Record<string, string>>;
  /** Query parameters. */
  query?: Record<string, string | number | undefined>;
  /** JSON body. */
  body?: unknown;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** Abort signal. */
  signal?: AbortSignal;
  /** Return the request instead of sending it. */
  dryRun?: boolean;
}

/** What an operation answered. */
export interface OperationAnswer<T> extends ResponseMeta {
  /** The whole response. */
  response: GraphResponse<T>;
  /** The id of what the request created or named: the body's `id`, else the `Location`'s end. */
  id: string | undefined;
  /** The `Location` header, when Graph sent one. */
  location: string | undefined;
}

/** Runs an operation, or describes it with `dryRun`. */
export async function runOperation<T>(
  http: GraphHttp,
  call: OperationCall,
): Promise<OperationAnswer<T> | DryRunResult> {
  const spec = OPERATION_CATALOGUE[call.name];
  ensureOffered(call.name, http.cloud);
  const request = {
    method: spec.method,
    path: operationPath(call.name, call.params, call.fields),
    ...(call.query ? { query: call.query } : {}),
    ...(call.body !== undefined ? { body: call.body } : {}),
    ...(call.headers ? { headers: call.headers } : {}),
    ...(call.signal ? { signal: call.signal } : {}),
    operation: call.name,
  };
  if (call.dryRun) return http.describe(request);
  const response = await http.send<T>(request);
  const location = response.headers.get("location") ?? undefined;
  const bodyId = (response.body as { id?: unknown } | undefined)?.id;
  return {
    response,
    id: typeof bodyId === "string" && bodyId
      ? bodyId
      : location?.replace(/[?#].*$/, "").split("/").filter(Boolean).pop(),
    location,
    requestId: response.requestId,
    clientRequestId: response.clientRequestId,
    date: response.date,
  };
}

/** Runs an operation that is not a dry run. */
export async function sendOperation<T>(
  http: GraphHttp,
  call: Omit<OperationCall, "dryRun">,
): Promise<OperationAnswer<T>> {
  return await runOperation<T>(http, call) as OperationAnswer<T>;
}

/** Whether a value is a dry run's result. */
export function isDryRun(value: unknown): value is DryRunResult {
  return typeof value === "object" && value !== null && (value as DryRunResult).dryRun === true;
}
