/**
 * What every request to the emulator passes before any parsing or authorization:
 *
 * - its `Host` must name the emulator (`127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT` or the
 *   bound address), so a web page in a browser cannot reach it through DNS rebinding (421);
 * - a body announced longer than {@link MAX_BODY_BYTES} is refused by its `Content-Length` at
 *   once, and any other body is read with that cap, chunk by chunk, never buffered past it (413);
 * - a body that does not arrive in {@link BODY_TIMEOUT_MS} is given up (408), and so is any body
 *   still arriving when the emulator closes (503).
 *
 * Each refusal is answered in the shape of the route it was for: Graph's error envelope, Entra's
 * error for the token endpoint, the admin API's error for `/_emulator`.
 *
 * @module
 */

import { entraError } from "./entra_errors.ts";
import { graphError } from "./graph_errors.ts";

/**
 * The largest request body the emulator reads, bytes: 4 MiB, Graph's own limit on a request's
 * payload (bigger uploads go through upload sessions there).
 */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** How long a request body may take to arrive, ms. */
export const BODY_TIMEOUT_MS = 30_000;

/** Why a request was refused before routing. */
export type Refusal = "host" | "tooLarge" | "timeout" | "closing";

const STATUS: Record<Refusal, number> = { host: 421, tooLarge: 413, timeout: 408, closing: 503 };

const TEXT: Record<Refusal, [string, string]> = {
  host: [
    "MisdirectedRequest",
    "The Host header does not name this emulator; use its own address (127.0.0.1, localhost or [::1] with its port).",
  ],
  tooLarge: [
    "RequestEntityTooLarge",
    `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
  ],
  timeout: ["RequestTimeout", "The request body did not arrive in time."],
  closing: ["ServiceUnavailable", "The emulator is shutting down."],
};

/** The refusal's answer, shaped for the route family of `path`. */
export function refusalResponse(refusal: Refusal, path: string, now: number): Response {
  const status = STATUS[refusal];
  const [code, message] = TEXT[refusal];
  const headers = { connection: "close" };
  let response: Response;
  if (/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path)) {
    response = entraError(900144, "invalid_request", message, { now, status });
  } else if (/^\/(v1\.0|beta)\//.test(path)) {
    response = graphError(status, code, message, {
      requestId: crypto.randomUUID(),
      clientRequestId: undefined,
      date: new Date(now).toUTCString(),
    });
  } else {
    response = Response.json({ error: { code, message } }, { status });
  }
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

/** The `Host` values that name the emulator bound to `hostname:port`; undefined: any. */
export function allowedHosts(
  hostname: string,
  port: number,
  extra: readonly string[] = [],
): Set<string> | undefined {
  const wildcard = hostname === "0.0.0.0" || hostname === "::" || hostname === "[::]";
  if (wildcard && extra.length === 0) return undefined;
  const bound = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
  const names = new Set<string>();
  for (const name of ["127.0.0.1", "localhost", "[::1]", bound, ...extra]) {
    const n = name.toLowerCase();
    names.add(`${n}:${port}`);
    if (n.includes(":") && !n.startsWith("[")) names.add(n); // an entry given with its port
  }
  return names;
}

/** Whether a request's host (`URL.host`, with the port) is allowed. */
export function hostAllowed(host: string, allowed: Set<string> | undefined): boolean {
  return allowed === undefined || allowed.has(host.toLowerCase());
}

/** The announced length is over the cap (or not a number). */
export function announcedTooLarge(request: Request): boolean {
  const length = request.headers.get("content-length");
  if (length === null) return false;
  return !/^\d+$/.test(length.trim()) || Number(length) > MAX_BODY_BYTES;
}

/**
 * Reads a request body with the cap and a deadline; `closing` aborts the read when the emulator
 * closes. Returns the bytes, or why it gave up (the rest of the body is never read).
 */
export async function readBody(
  body: ReadableStream<Uint8Array>,
  options: { timeoutMs: number; closing: AbortSignal },
): Promise<Uint8Array | Refusal> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let outcome: Refusal | undefined;
  const giveUp = (why: Refusal) => {
    outcome ??= why;
    reader.cancel().catch(() => {});
  };
  const timer = setTimeout(() => giveUp("timeout"), options.timeoutMs);
  const onClose = () => giveUp("closing");
  options.closing.addEventListener("abort", onClose, { once: true });
  try {
    if (options.closing.aborted) giveUp("closing");
    while (outcome === undefined) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        giveUp("tooLarge");
        break;
      }
      chunks.push(value);
    }
  } catch {
    // A broken upload (the client went away, or sent malformed framing): nothing to answer.
    outcome ??= "closing";
  } finally {
    clearTimeout(timer);
    options.closing.removeEventListener("abort", onClose);
  }
  if (outcome !== undefined) return outcome;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}
