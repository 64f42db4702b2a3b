/**
 * Interrupting a bulk run: the first SIGINT or SIGTERM fires `stop` (no new request starts; those
 * in flight finish or time out; the journal and the report are still written, and the exit code
 * is 130); a second one fires `abort` too (requests in flight are given up).
 *
 * @module
 */

/** The signals of one bulk run. */
export interface Interrupt {
  /** Fires at the first signal. */
  stop: AbortSignal;
  /** Fires at the second signal. */
  abort: AbortSignal;
  /** The signal received first, if any. */
  readonly received: string | undefined;
  /** Called once at the first signal (e.g. to note it in the journal). */
  onStop(listener: () => void): void;
  /** Removes the signal listeners. */
  [Symbol.dispose](): void;
}

/**
 * Listens for SIGINT and SIGTERM (SIGINT only where SIGTERM cannot be listened to) while a bulk
 * run lasts; `using` removes the listeners.
 */
export function listenForInterrupt(io: { err(text: string): void }): Interrupt {
  const stop = new AbortController();
  const abort = new AbortController();
  let received: string | undefined;
  const listeners: (() => void)[] = [];
  const installed: [Deno.Signal, () => void][] = [];
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    const handler = () => {
      if (!received) {
        received = name;
        io.err(
          `graphcall: ${name}: starting no new requests; waiting for those in flight ` +
            `(${name} again to give them up)\n`,
        );
        stop.abort(new Error(name));
        for (const l of listeners) l();
      } else {
        abort.abort(new Error(name));
      }
    };
    try {
      Deno.addSignalListener(name, handler);
      installed.push([name, handler]);
    } catch {
      // not available on this platform (e.g. SIGTERM on Windows)
    }
  }
  return {
    stop: stop.signal,
    abort: abort.signal,
    get received() {
      return received;
    },
    onStop(listener) {
      listeners.push(listener);
    },
    [Symbol.dispose]() {
      for (const [name, handler] of installed) {
        try {
          Deno.removeSignalListener(name, handler);
        } catch {
          // already gone
        }
      }
    },
  };
}
