/**
 * `connect()`: the entry point of the API. Resolves a credential (options, then `AZURE_*`), and
 * returns a client whose `call(id)` handles remove, invite, list, get and mute, and whose
 * `removeMany()` removes participants across calls. Nothing is sent by `connect()` itself: the
 * first token is fetched with the first request (so dry runs fetch none).
 *
 * @module
 */

import { type CredentialOptions, resolveCredential } from "../auth/resolve_credential.ts";
import type { TokenCredential } from "../auth/credential.ts";
import type { Cloud } from "../clouds.ts";
import type {
  BulkDryRunResult,
  BulkRemoveOptions,
  BulkRemoveResult,
  RemovalItem,
} from "./bulk_result.ts";
import { removeMany } from "./bulk_remove.ts";
import { CallHandle } from "./call.ts";
import { GraphHttp, type PipelineOptions } from "./graph_http.ts";

/** Options for {@link connect}: the credential, and the pipeline's. */
export interface ConnectOptions extends CredentialOptions, PipelineOptions {}

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
  readonly credential: TokenCredential;
  /** A handle on one call; the id is checked here. */
  call(callId: string): CallHandle;
  /** Removes many participants, across calls, with bounded concurrency. */
  removeMany(
    items: RemovalItem[],
    options: BulkRemoveOptions & { dryRun: true },
  ): Promise<BulkDryRunResult>;
  /** Removes many participants, across calls, with bounded concurrency. */
  removeMany(items: RemovalItem[], options?: BulkRemoveOptions): Promise<BulkRemoveResult>;
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
 *
 * @example Invite, wait for the answer and remove, on the embedded emulator
 * ```ts
 * import { connect } from "./connect.ts";
 * import { user } from "./identities.ts";
 * import { createCertificate } from "../auth/create_certificate.ts";
 * import { startEmulator } from "../emulator/mod.ts";
 *
 * const cert = await createCertificate({ subject: "CN=doc example", keySize: 2048 });
 * const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
 * const clientId = "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60";
 * const callId = "112f7296-5fa4-42ca-bae8-6a692b15d4b8";
 * const emulator = await startEmulator({
 *   state: {
 *     tenants: [{
 *       id: tenantId,
 *       allowRemoveParticipantAppIds: [clientId],
 *       apps: [{
 *         clientId,
 *         roles: ["Calls.JoinGroupCall.All", "Calls.InitiateGroupCall.All"],
 *         certificates: [{ pem: cert.certificatePem }],
 *       }],
 *       users: [{ id: "278405a3-f568-4b3e-b684-009193463064", answerAfterMs: 0 }],
 *       calls: [{ id: callId, participants: [] }],
 *     }],
 *   },
 * });
 * try {
 *   const graph = await connect({
 *     tenantId,
 *     clientId,
 *     certificate: { pem: cert.certificatePem + cert.privateKeyPem },
 *     authorityUrl: emulator.authorityUrl,
 *     graphUrl: emulator.graphUrl,
 *   });
 *   const call = graph.call(callId);
 *   const op = await call.invite([user("278405a3-f568-4b3e-b684-009193463064")]);
 *   const end = await call.waitForInvite(op, { pollIntervalMs: 10 });
 *   console.log(end.status); // completed
 *   await call.remove(op.participants[0]!.participantId!);
 * } finally {
 *   await emulator.close();
 * }
 * ```
 */
export async function connect(options: ConnectOptions = {}): Promise<GraphClient> {
  const resolved = await resolveCredential(options);
  const http = new GraphHttp({
    graphUrl: resolved.graphUrl,
    credential: resolved.credential,
    cloud: resolved.cloud.name,
    clientId: resolved.clientId,
    ...pipelineOptions(options),
  });
  return {
    cloud: resolved.cloud,
    tenantId: resolved.tenantId,
    clientId: resolved.clientId,
    credentialDescription: resolved.description,
    credential: resolved.credential,
    call: (callId: string) => new CallHandle(http, callId),
    removeMany:
      ((items: RemovalItem[], o?: BulkRemoveOptions) =>
        removeMany(http, (callId) => new CallHandle(http, callId), items, o)) as GraphClient[
          "removeMany"
        ],
  };
}

/** The pipeline's options picked out of `connect()`'s. */
function pipelineOptions(o: PipelineOptions): PipelineOptions {
  const out: PipelineOptions = {};
  for (
    const key of [
      "graphVersion",
      "timeoutMs",
      "overallTimeoutMs",
      "maxRetries",
      "signal",
      "fetch",
      "now",
      "sleep",
      "random",
      "onTrace",
    ] as const
  ) {
    if (o[key] !== undefined) (out as Record<string, unknown>)[key] = o[key];
  }
  return out;
}
