/**
 * Doctor check of this machine's clock against the server's `Date` header. Entra refuses client
 * assertions outside their time window (AADSTS700024), so a clock minutes off breaks sign-in.
 *
 * @module
 */

import { EXIT_CODES } from "../errors.ts";
import { redact } from "../redact.ts";
import { type Finding, finding } from "./doctor_check.ts";

/** Clock-skew thresholds, in seconds. */
export interface ClockSkewLimits {
  /** Warn above this. Default 60. */
  warnSeconds?: number;
  /** Fail above this. Default 300 (the usual allowance for assertion times). */
  failSeconds?: number;
}

const TITLE = "Clock skew against the server";
const FIX = "synchronise this machine's clock with NTP (Windows: w32tm /resync; Linux: " +
  "timedatectl set-ntp true; macOS: sntp -sS time.apple.com), and check its time zone";

/** How far the local clock is from the server's, in ms (positive: local is ahead). */
export function clockSkew(localNow: number, serverDate: string): number | undefined {
  const server = Date.parse(serverDate);
  if (Number.isNaN(server)) return undefined;
  // Date has whole seconds: the server's instant is within [server, server + 1000).
  const skew = localNow - server;
  return skew >= 0 && skew < 1000 ? 0 : skew;
}

/** Fetches `{graphUrl}/v1.0/` (no token) and compares its `Date` with the local clock. */
export async function clockCheck(
  graphUrl: string,
  now: () => number,
  doFetch: typeof fetch,
  limits: ClockSkewLimits = {},
): Promise<Finding> {
  const warnMs = (limits.warnSeconds ?? 60) * 1000;
  const failMs = (limits.failSeconds ?? 300) * 1000;
  let date: string | null;
  try {
    const response = await doFetch(`${graphUrl}/v1.0/`, {
      headers: { "client-request-id": crypto.randomUUID(), accept: "application/json" },
    });
    date = response.headers.get("date");
    await response.body?.cancel();
  } catch (e) {
    return finding(
      "clock",
      TITLE,
      "warn",
      `could not reach ${graphUrl} to read its Date: ${
        redact(e instanceof Error ? e.message : String(e))
      }`,
    );
  }
  const skew = date ? clockSkew(now(), date) : undefined;
  if (skew === undefined) {
    return finding("clock", TITLE, "warn", "the server sent no usable Date header");
  }
  const seconds = Math.round(Math.abs(skew) / 1000);
  const where = skew === 0
    ? "in step with the server"
    : `${seconds} s ${skew > 0 ? "ahead of" : "behind"} the server`;
  const detail = `this machine's clock is ${where} (server Date: ${date})`;
  if (Math.abs(skew) > failMs) {
    return finding("clock", TITLE, "fail", detail, { fix: FIX, exitCode: EXIT_CODES.auth });
  }
  if (Math.abs(skew) > warnMs) return finding("clock", TITLE, "warn", detail, { fix: FIX });
  return finding("clock", TITLE, "pass", detail);
}
