/**
 * Fixtures for the Graph tests: a fake clock shared by the emulator and the client (so retries,
 * Retry-After and invitation answers move time instead of waiting), a connected client, and a
 * raw token for the emulator tests.
 */

import { connect, type ConnectOptions, type GraphClient } from "../../lib/graph/connect.ts";
import type { Emulator } from "../../lib/emulator/mod.ts";
import type { CreatedCertificate } from "../../lib/auth/create_certificate.ts";
import { IDS, startTestEmulator, tenantSpec } from "./tenant.ts";
import type { TenantSpec } from "../../lib/emulator/state.ts";

/** A clock that only moves when told to (or when something sleeps on it). */
export interface FakeClock {
  now: () => number;
  /** Advances the clock by `ms` at once and records the wait. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  advance: (ms: number) => void;
  sleeps: number[];
}

/** A fake clock starting at the real time (tokens and assertions stay plausible). */
export function fakeClock(start = Date.now()): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: (ms, signal) => {
      if (signal?.aborted) return Promise.reject(signal.reason);
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
    advance: (ms) => {
      t += ms;
    },
    sleeps,
  };
}

/** Connects a client to the emulator as the test app. */
export function connectTo(
  emulator: Emulator,
  cert: CreatedCertificate,
  options: ConnectOptions = {},
): Promise<GraphClient> {
  return connect({
    tenantId: IDS.tenantId,
    clientId: IDS.clientId,
    certificate: { pem: cert.certificatePem + cert.privateKeyPem },
    authorityUrl: emulator.authorityUrl,
    graphUrl: emulator.graphUrl,
    env: {},
    ...options,
  });
}

/** A valid access token of the test app (or another app with its own certificate). */
export async function tokenFor(
  emulator: Emulator,
  cert: CreatedCertificate,
  options: ConnectOptions = {},
): Promise<string> {
  const client = await connectTo(emulator, cert, options);
  return (await client.credential.getToken()).token;
}

/** Sends a raw request to the emulated Graph. */
export function graphFetch(
  emulator: Emulator,
  path: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (
    init.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")
  ) {
    headers["content-type"] = "application/json";
  }
  return fetch(`${emulator.graphUrl}${path}`, {
    method: init.method ?? "GET",
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
}

/** The participants path of the test call. */
export const CALL_PATH = `/v1.0/communications/calls/${IDS.callId}/participants`;

/** One emulator shared by the steps of a test, reset between them (starting one costs ~1 s). */
export interface SharedEmulator {
  emulator: Emulator;
  cert: CreatedCertificate;
  /** The clock of the current step (the emulator reads it too). */
  clock: FakeClock;
  /** Fresh tenant (with overrides), no faults, no throttle, a fresh clock. */
  reset(tenant?: Partial<TenantSpec>): Promise<void>;
}

/** Starts the shared emulator. */
export async function sharedEmulator(): Promise<SharedEmulator & AsyncDisposable> {
  let clock = fakeClock();
  const t = await startTestEmulator({ clock: () => clock.now() });
  const shared = {
    emulator: t.emulator,
    cert: t.cert,
    get clock() {
      return clock;
    },
    async reset(tenant: Partial<TenantSpec> = {}) {
      clock = fakeClock();
      await t.emulator.state.addTenant(tenantSpec(t.cert, tenant));
      t.emulator.state.faults = [];
      t.emulator.state.throttle = null;
      (t.emulator.requests as unknown[]).length = 0;
    },
    [Symbol.asyncDispose]: () => t.emulator.close(),
  };
  return shared;
}

/** Registers steps and runs them on one shared emulator, as one test. */
export function emulatorSuite(name: string) {
  const steps: [string, (s: SharedEmulator) => Promise<void>][] = [];
  Deno.test(name, async (t) => {
    await using s = await sharedEmulator();
    for (const [stepName, fn] of steps) {
      await s.reset();
      await t.step(stepName, () => fn(s));
    }
  });
  return (stepName: string, fn: (s: SharedEmulator) => Promise<void>) => {
    steps.push([stepName, fn]);
  };
}
