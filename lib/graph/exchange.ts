/**
 * One HTTP exchange with Graph: send a request and read the whole answer within a time budget,
 * following no redirect. No retry, no token, no interpretation: a failure to get an answer is an
 * {@link ExchangeFailure} that says whether the budget ran out or the caller aborted.
 *
 * @module
 */

/** An exchange that produced no answer: the response was lost (and may or may not have acted). */
export class ExchangeFailure extends Error {
  /** The time budget ran out. */
  readonly timedOut: boolean;
  /** The caller's signal aborted. */
  readonly aborted: boolean;
  /** Creates the failure. */
  constructor(message: string, options: { timedOut: boolean; aborted: boolean; cause: unknown }) {
    super(message, { cause: options.cause });
    this.name = "ExchangeFailure";
    this.timedOut = options.timedOut;
    this.aborted = options.aborted;
  }
}

/** An answer, with its body read as text. */
export interface Answer {
  /** The response (its body already consumed). */
  response: Response;
  /** The body. */
  text: string;
}

class BudgetSpent extends Error {}

/** Sends one request and reads the answer, within `budgetMs`, stopping when `signal` aborts. */
export async function exchange(
  doFetch: typeof fetch,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  budgetMs: number,
  signal: AbortSignal | undefined,
): Promise<Answer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new BudgetSpent()), Math.max(1, budgetMs));
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const response = await doFetch(url, {
      ...init,
      redirect: "manual",
      signal: controller.signal,
    });
    return { response, text: await response.text() };
  } catch (e) {
    throw new ExchangeFailure(e instanceof Error ? e.message : String(e), {
      timedOut: controller.signal.reason instanceof BudgetSpent,
      aborted: signal?.aborted === true,
      cause: e,
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}
