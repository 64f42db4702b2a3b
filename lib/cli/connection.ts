/**
 * How commands reach Graph, from the global options:
 * - {@link connectClient} passes the credential options, `--graph-version`, `--timeout`
 *   (`timeoutMs`), `--max-retries` (`maxRetries`) and `--debug` (`onTrace`, one line per event,
 *   see debug_trace.ts) to `connect()`.
 * - {@link dryRunCall} is a call handle for `--what-if`: the library's `dryRun: true` describes
 *   the request; its credential refuses to be used, so nothing is looked up or sent.
 *
 * @module
 */

import type { CloudName } from "../clouds.ts";
import type { TokenCache } from "../auth/token_cache.ts";
import type { CallHandle } from "../graph/call.ts";
import type { GraphClient } from "../graph/connect.ts";
import type { GraphTraceEvent } from "../graph/graph_http.ts";
import { GraphcallError } from "../errors.ts";
import { resolveHosts } from "../auth/hosts.ts";
import { formatTrace } from "./debug_trace.ts";
import { connectOptionsFrom, type GlobalOptions, runtimeOptionsFrom } from "./global_options.ts";
import type { Io } from "./io.ts";
import { sanitise } from "./sanitise.ts";

/** What a connection shares with the other connections of one CLI run. */
export interface ConnectionSession {
  /** The run's token cache (one per run, as one per process; the demo shares it). */
  tokenCache?: TokenCache;
}

/** Connects with the global options (credentials, hosts, pipeline options, `--debug` trace). */
export async function connectClient(
  options: GlobalOptions,
  io: Io,
  extra: { signal?: AbortSignal; session?: ConnectionSession } = {},
): Promise<GraphClient> {
  const base = connectOptionsFrom(options, io);
  const session = extra.session;
  if (session && !base.tokenCachePath) {
    const { TokenCache } = await import("../auth/token_cache.ts");
    session.tokenCache ??= new TokenCache();
  }
  const connectOptions = {
    ...base,
    ...runtimeOptionsFrom(options),
    ...(session?.tokenCache && !base.tokenCachePath ? { tokenCache: session.tokenCache } : {}),
    ...(options.debug ? { onTrace: (event: GraphTraceEvent) => io.err(formatTrace(event)) } : {}),
    ...(extra.signal ? { signal: extra.signal } : {}),
  };
  const { connect } = await import("../graph/connect.ts");
  const client = await connect(connectOptions);
  if (options.verbose || options.debug) {
    io.err(`graphcall: credential: ${sanitise(client.credentialDescription)}\n`);
  }
  return client;
}

/**
 * A call handle for `--what-if`: the library describes each request (`dryRun: true`); the
 * credential behind it refuses to be asked, so not even a credential lookup happens.
 */
export async function dryRunCall(
  options: GlobalOptions,
  io: Io,
  callId: string,
): Promise<CallHandle> {
  const [http, { CallHandle }] = await Promise.all([
    refusingPipeline(options, resolveHosts(connectOptionsFrom(options, io))),
    import("../graph/call.ts"),
  ]);
  return new CallHandle(http, callId);
}

/** A Graph pipeline whose credential refuses to be asked: with it, nothing can be sent. */
async function refusingPipeline(
  options: GlobalOptions,
  hosts: { cloud: { name: CloudName }; graphUrl: string },
): Promise<import("../graph/graph_http.ts").GraphHttp> {
  const { GraphHttp } = await import("../graph/graph_http.ts");
  return new GraphHttp({
    graphUrl: hosts.graphUrl,
    cloud: hosts.cloud.name,
    ...runtimeOptionsFrom(options),
    credential: {
      kind: "none",
      source: "--what-if (sends nothing)",
      getToken: () =>
        Promise.reject(new GraphcallError("internal", "--what-if must not ask for a token")),
    },
  });
}

/**
 * What `--what-if` of a meeting command needs: a pipeline whose credential refuses to be asked
 * (nothing can be sent), the tenant for a short link, and the callback URI the real run would use.
 */
export async function dryRunGraph(options: GlobalOptions, io: Io): Promise<{
  http: import("../graph/graph_http.ts").GraphHttp;
  tenantId: string | undefined;
  callbackUri: string | undefined;
}> {
  const connect = connectOptionsFrom(options, io);
  const hosts = resolveHosts(connect);
  const { graphUrl } = hosts;
  const http = await refusingPipeline(options, hosts);
  let callbackUri = io.env("GRAPHCALL_CALLBACK_URI");
  if (!callbackUri) {
    try {
      callbackUri = (await import("../graph/connect.ts")).loopbackDefault(graphUrl);
    } catch {
      callbackUri = undefined;
    }
  }
  return {
    http,
    tenantId: connect.tenantId ?? io.env("AZURE_TENANT_ID"),
    callbackUri,
  };
}
