/**
 * Reading a collection page by page: the first request through the operation path, then each
 * `@odata.nextLink` (same host and version only). It stops with a typed error on a next link seen
 * before (a server that points back at a page would loop forever) and after {@link MAX_PAGES}
 * pages (a documented cap: no roster graphcall reads is that long).
 *
 * @module
 */

import { GraphcallError } from "../errors.ts";
import type { GraphHttp } from "./graph_http.ts";
import { type OperationCall, sendOperation } from "./run_operation.ts";

/** The most pages graphcall reads of one collection. */
export const MAX_PAGES = 1000;

interface Page<T> {
  value?: T[];
  "@odata.nextLink"?: string;
}

/** Yields every item of a collection, following next links. */
export async function* listPages<T>(
  http: GraphHttp,
  first: Omit<OperationCall, "dryRun">,
): AsyncGenerator<T> {
  const r = await sendOperation<Page<T>>(http, first);
  let page = r.response.body;
  const seen = new Set<string>();
  for (let pages = 1;; pages++) {
    for (const item of page?.value ?? []) yield item;
    const next = page?.["@odata.nextLink"];
    if (!next) return;
    if (seen.has(next)) {
      throw new GraphcallError(
        "service_error",
        `Graph returned a next link it had returned before; stopped after ${pages} pages ` +
          `instead of reading the same pages again`,
      );
    }
    if (pages >= MAX_PAGES) {
      throw new GraphcallError(
        "service_error",
        `Graph returned more than ${MAX_PAGES} pages; stopped there (graphcall's cap on one list)`,
      );
    }
    seen.add(next);
    const response = await http.send<Page<T>>({
      method: "GET",
      path: http.relativePath(next),
      operation: first.name,
      ...(first.signal ? { signal: first.signal } : {}),
    });
    page = response.body;
  }
}
