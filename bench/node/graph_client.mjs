// The Microsoft Graph JavaScript client pointed at the emulator, with msal-node behind it.
//
// The client's own AuthenticationHandler attaches the token only to https:// Graph hosts (or
// https:// customHosts). The emulator here is http:// on loopback, so the first middleware is a
// small one that does the same job (ask the auth provider, set Authorization); the rest is the
// client's default chain (retry, redirect, telemetry, HTTP).
import graph from "@microsoft/microsoft-graph-client";
import { env, SCOPES } from "./msal_config.mjs";

const {
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} = graph;

class BearerHandler {
  constructor(getToken) {
    this.getToken = getToken;
  }
  async execute(context) {
    const token = await this.getToken();
    const headers = new Headers(context.options?.headers ?? {});
    headers.set("Authorization", `Bearer ${token}`);
    context.options = { ...context.options, headers };
    return await this.nextMiddleware.execute(context);
  }
  setNext(next) {
    this.nextMiddleware = next;
  }
}

/** A token getter over a msal-node application. */
export function msalTokenGetter(app) {
  return async () => {
    const result = await app.acquireTokenByClientCredential({ scopes: SCOPES });
    if (!result?.accessToken) throw new Error("msal-node returned no access token");
    return result.accessToken;
  };
}

/** The Graph client with msal-node (`app`) or any token getter behind it. */
export function createGraphClient(appOrGetToken) {
  const getToken = typeof appOrGetToken === "function"
    ? appOrGetToken
    : msalTokenGetter(appOrGetToken);
  return Client.initWithMiddleware({
    baseUrl: env("GC_GRAPH_URL").replace(/\/+$/, "") + "/",
    defaultVersion: "v1.0",
    middleware: [
      new BearerHandler(getToken),
      new RetryHandler(new RetryHandlerOptions()),
      new RedirectHandler(new RedirectHandlerOptions()),
      new TelemetryHandler(),
      new HTTPMessageHandler(),
    ],
  });
}

export function participantPath(callId, participantId) {
  return `/communications/calls/${encodeURIComponent(callId)}/participants/${
    encodeURIComponent(participantId)
  }`;
}
