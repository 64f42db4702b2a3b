/**
 * `Retry-After`: delay-seconds or an HTTP date (RFC 9110, 10.2.3).
 *
 * @module
 */

// The three date forms RFC 9110 section 5.6.7 lets a recipient accept: IMF-fixdate, RFC 850, asctime.
const HTTP_DATE = [
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/**
 * The wait a `Retry-After` value asks for, in ms, or undefined when it is absent or not a valid
 * delay (negative numbers, fractions with signs, free text): the caller then falls back to its
 * own backoff. A date in the past means no wait.
 *
 * @example Seconds and dates
 * ```ts
 * import { parseRetryAfter } from "./retry_after.ts";
 * console.log(parseRetryAfter("2", 0)); // 2000
 * console.log(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4000)); // 6000
 * console.log(parseRetryAfter("-5", 0)); // undefined
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d{1,9}$/.test(v)) return Number(v) * 1000;
  if (/^\d{1,9}\.\d{1,6}$/.test(v)) return Math.ceil(Number(v) * 1000);
  if (!HTTP_DATE.some((form) => form.test(v))) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
