/**
 * One HTTP exchange, as every request graphcall sends makes it (Graph, the token endpoint,
 * GitHub's OIDC service): send, then read the whole answer within a time budget and a size cap,
 * following no redirect. The one redirect policy and the one body reader of the client side:
 * - a 3xx is never followed (a redirect would re-send a client secret or a bearer token to
 *   another origin): it comes back as an {@link ExchangeFailure} of kind `redirect` naming the
 *   location;
 * - a body over the cap (declared by `Content-Length`, or counted while reading) is not read
 *   further: kind `tooLarge`;
 * - no answer within the budget: kind `timeout`; the caller's abort: kind `aborted`; anything
 *   else (refused, reset, DNS): kind `network`.
 * No retry, no token, no interpretation of the status.
 *
 * @module
 */

/** Why an exchange produced no usable answer. */
export type ExchangeFailureKind = "network" | "timeout" | "aborted" | "redirect" | "tooLarge";

/** An exchange that produced no usable answer. */
export class ExchangeFailure extends Error {
  /** What happened. */
  readonly kind: ExchangeFailureKind;
  /** The HTTP status, for `redirect` and `tooLarge`. */
  readonly status: number;
  /** The redirect's `Location` (untrusted text), for `redirect`. */
  readonly location: string | undefined;
  /** Creates the failure. */
  constructor(
    kind: ExchangeFailureKind,
    message: string,
    options: { cause?: unknown; status?: number; location?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ExchangeFailure";
    this.kind = kind;
    this.status = options.status ?? 0;
    this.location = options.location;
  }
  /** Whether the request may have reached the server and acted (its answer was lost). */
  get lostAnswer(): boolean {
    return this.kind === "network" || this.kind === "timeout";
  }
}

/** An answer, with its body read as text. */
export interface Answer {
  /** The response (its body already consumed). */
  response: Response;
  /** The body. */
  text: string;
}

/** How an exchange is bounded. */
export interface ExchangeLimits {
  /** Time for the whole exchange (send and read), ms. */
  budgetMs: number;
  /** The largest body read, bytes. */
  maxBodyBytes: number;
  /** The caller's abort. */
  signal?: AbortSignal | undefined;
}

class BudgetSpent extends Error {}

/**
 * Reads a body (a response's, or a request's a server received) as text, refusing more than
 * `maxBytes` (by `Content-Length` first, then while reading). Returns undefined when the body is
 * too large.
 */
export async function readCappedText(
  response: Pick<Response, "headers" | "body">,
  maxBytes: number,
): Promise<string | undefined> {
  const declared = Number(response.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    return undefined;
  }
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** Sends one request and reads the answer, within the limits. */
export async function exchange(
  doFetch: typeof fetch,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  limits: ExchangeLimits,
): Promise<Answer> {
  const { signal } = limits;
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new BudgetSpent()),
    Math.max(1, limits.budgetMs),
  );
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const failure = (e: unknown) =>
    new ExchangeFailure(
      signal?.aborted
        ? "aborted"
        : controller.signal.reason instanceof BudgetSpent
        ? "timeout"
        : "network",
      e instanceof Error ? e.message : String(e),
      { cause: e },
    );
  try {
    let response: Response;
    try {
      response = await doFetch(url, { ...init, redirect: "manual", signal: controller.signal });
    } catch (e) {
      throw failure(e);
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      const location = response.headers.get("location") ?? undefined;
      throw new ExchangeFailure(
        "redirect",
        `answered ${response.status} redirecting to ${location ?? "(no location)"}`,
        { status: response.status, ...(location !== undefined ? { location } : {}) },
      );
    }
    let text: string | undefined;
    try {
      text = await readCappedText(response, limits.maxBodyBytes);
    } catch (e) {
      throw failure(e);
    }
    if (text === undefined) {
      throw new ExchangeFailure(
        "tooLarge",
        `answered ${response.status} with a body over ${limits.maxBodyBytes} bytes`,
        { status: response.status },
      );
    }
    return { response, text };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}
