/** Connects graphcall's library to the emulator named by the benchmark's environment. */

import { connect, type GraphClient, type GraphTraceEvent } from "../../mod.ts";

/** Reads a required variable or exits 2. */
export function need(name: string): string {
  const v = Deno.env.get(name);
  if (!v) {
    console.error(`missing environment variable ${name}`);
    Deno.exit(2);
  }
  return v;
}

/**
 * A timeline on stderr when GC_TRACE=1: each Graph request and answer, ms since the process
 * started (for bench/PERFORMANCE.md's profiles; the timed runs do not set it).
 */
export function traceFromEnv(): ((e: GraphTraceEvent) => void) | undefined {
  if (Deno.env.get("GC_TRACE") !== "1") return undefined;
  return (e) => {
    if (e.type !== "request" && e.type !== "response") return;
    const path = new URL(e.url).pathname.replace(/[0-9a-f-]{36}/g, "{id}");
    console.error(
      `${performance.now().toFixed(0).padStart(5)} ms ${e.type} ${e.method} ${path} ${
        e.status ?? ""
      }`,
    );
  };
}

/** `connect()` with the certificate, pointed at the emulator (and a callback URI, if given). */
export function connectFromEnv(callbackUri?: string): Promise<GraphClient> {
  const onTrace = traceFromEnv();
  return connect({
    tenantId: need("GC_TENANT_ID"),
    clientId: need("GC_CLIENT_ID"),
    certificate: { path: need("GC_PEM_PATH") },
    authorityUrl: need("GC_AUTHORITY_URL"),
    graphUrl: need("GC_GRAPH_URL"),
    ...(callbackUri ? { callbackUri } : {}),
    ...(onTrace ? { onTrace } : {}),
    env: {},
  });
}
