/**
 * `Retry-After`: delay-seconds or an HTTP date (RFC 9110, 10.2.3).
 *
 * @module
 */

/**
 * The wait a `Retry-After` value asks for, in ms, or undefined when absent or unreadable. A date
 * in the past means no wait.
 *
 * @example Seconds and dates
 * ```ts
 * import { parseRetryAfter } from "./retry_after.ts";
 * console.log(parseRetryAfter("2", 0)); // 2000
 * console.log(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4000)); // 6000
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === "") return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (/^\d+\.\d+$/.test(v)) return Math.ceil(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
