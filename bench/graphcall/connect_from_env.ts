/** Connects graphcall's library to the emulator named by the benchmark's environment. */

import { connect, type GraphClient } from "../../mod.ts";

/** Reads a required variable or exits 2. */
export function need(name: string): string {
  const v = Deno.env.get(name);
  if (!v) {
    console.error(`missing environment variable ${name}`);
    Deno.exit(2);
  }
  return v;
}

/** `connect()` with the certificate, pointed at the emulator (and a callback URI, if given). */
export function connectFromEnv(callbackUri?: string): Promise<GraphClient> {
  return connect({
    tenantId: need("GC_TENANT_ID"),
    clientId: need("GC_CLIENT_ID"),
    certificate: { path: need("GC_PEM_PATH") },
    authorityUrl: need("GC_AUTHORITY_URL"),
    graphUrl: need("GC_GRAPH_URL"),
    ...(callbackUri ? { callbackUri } : {}),
    env: {},
  });
}
