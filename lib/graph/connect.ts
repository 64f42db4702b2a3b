/**
 * `connect()`: the entry point of the API. Resolves a credential (options, then `AZURE_*`), and
 * returns a client whose `call(id)` handles remove, invite, list, get and mute.
 *
 * @module
 */

import { type CredentialOptions, resolveCredential } from "../auth/resolve_credential.ts";
import type { TokenCredential } from "../auth/credential.ts";
import type { Cloud } from "../clouds.ts";
import { CallHandle } from "./call.ts";
import { GraphHttp } from "./graph_http.ts";

/** Options for {@link connect}. */
export interface ConnectOptions extends CredentialOptions {
  /** `v1.0` (default) or `beta`. */
  graphVersion?: "v1.0" | "beta";
}

/** A connected Graph client. */
export interface GraphClient {
  /** The cloud in use. */
  readonly cloud: Cloud;
  /** The tenant id or domain. */
  readonly tenantId: string;
  /** The app (client) id. */
  readonly clientId: string;
  /** Which credential was chosen, and from where (never the secret). */
  readonly credentialDescription: string;
  /** The credential (cached, single-flight). */
  /** The credential. */
  readonly credential: TokenCredential;
  /** The HTTP pipeline. */
  /** The http. */
  readonly http: GraphHttp;
  /** A handle on one call. */
  call(callId: string): CallHandle;
}

/**
 * Connects to Graph with an app-only credential.
 *
 * @example Remove a participant with a certificate
 * ```ts ignore
 * import { connect } from "./connect.ts";
 * const graph = await connect({
 *   tenantId: "contoso.onmicrosoft.com",
 *   clientId: "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
 *   certificate: { path: "app.pem" },
 * });
 * await graph.call("112f7296-5fa4-42ca-bae8-6a692b15d4b8").remove("a7ebfb2d-871e-419c-87af-27290b22e8db");
 * ```
 */
export async function connect(options: ConnectOptions = {}): Promise<GraphClient> {
  const resolved = await resolveCredential(options);
  const http = new GraphHttp({
    graphUrl: resolved.graphUrl,
    version: options.graphVersion ?? "v1.0",
    credential: resolved.credential,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return {
    cloud: resolved.cloud,
    tenantId: resolved.tenantId,
    clientId: resolved.clientId,
    credentialDescription: resolved.description,
    credential: resolved.credential,
    http,
    call: (callId: string) => new CallHandle(http, callId),
  };
}
