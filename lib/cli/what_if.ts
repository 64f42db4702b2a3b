/**
 * `--what-if`: the exact request a command would send (method, URL, headers with secrets
 * redacted, body), described without sending anything: no token request, no Graph request, not
 * even a credential lookup. The URL follows lib/graph's rules (Graph root + version + path,
 * ids URL-encoded) and the headers are the ones lib/graph's pipeline sends.
 *
 * @module
 */

import { getCloud } from "../clouds.ts";
import { REDACTED } from "../redact.ts";
import { VERSION } from "../version.ts";
import { connectOptionsFrom, type GlobalOptions } from "./global_options.ts";
import type { Io } from "./io.ts";
import type { Painter } from "./colour.ts";

/** A request described, not sent. */
export interface DescribedRequest {
  /** HTTP method. */
  method: string;
  /** Full URL. */
  url: string;
  /** Headers as they would be sent; `Authorization` is redacted. */
  headers: Record<string, string>;
  /** JSON body, or null. */
  body: unknown;
}

/** The result of a dry run. */
export interface DryRunResult {
  /** Always true. */
  dryRun: true;
  /** The request that would be sent. */
  request: DescribedRequest;
}

/** The Graph root (with version) the options point at, resolved without any network. */
export function graphBase(options: GlobalOptions, io: Io, graphVersion = "v1.0"): string {
  const connect = connectOptionsFrom(options, io);
  const cloud = getCloud(connect.cloud ?? io.env("GRAPHCALL_CLOUD") ?? "Global", "--cloud");
  return `${(connect.graphUrl ?? cloud.graphUrl).replace(/\/+$/, "")}/${graphVersion}`;
}

/** Describes one Graph request as lib/graph would send it. */
export function describeRequest(
  method: string,
  base: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; clientRequestId?: string } = {},
): DryRunResult {
  const headers: Record<string, string> = {
    "authorization": `Bearer ${REDACTED}`,
    "client-request-id": options.clientRequestId ?? crypto.randomUUID(),
    "user-agent": `graphcall/${VERSION}`,
    "accept": "application/json",
    ...options.headers,
  };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  return {
    dryRun: true,
    request: { method, url: base + path, headers, body: options.body ?? null },
  };
}

/** The path of one participant of one call, ids URL-encoded. */
export function participantPath(callId: string, participantId: string): string {
  return `/communications/calls/${encodeURIComponent(callId)}/participants/${
    encodeURIComponent(participantId)
  }`;
}

/** Renders dry runs for people: request line, headers, body, and that nothing was sent. */
export function renderDryRuns(runs: readonly DryRunResult[], paint: Painter): string {
  const parts = runs.map(({ request }) => {
    const lines = [`${paint("bold", "What if:")} ${request.method} ${request.url}`];
    for (const [name, value] of Object.entries(request.headers)) lines.push(`  ${name}: ${value}`);
    if (request.body !== null) lines.push("", JSON.stringify(request.body, null, 2));
    return lines.join("\n");
  });
  const count = runs.length === 1 ? "the request was" : `${runs.length} requests were`;
  return parts.join("\n\n") + `\n(${count} not sent)\n`;
}
