/**
 * The soak: the emulator in a child process (tests/support/soak_emulator.ts, so its memory is its
 * own), and concurrent loopback clients in this process that, for a bounded time, list, get,
 * invite and cancel, mute, and fetch tokens, counting every answer. The emulator's RSS is
 * measured (after a garbage collection) once warmed up and at the end.
 */

import { ALL_ROLES, IDS } from "./tenant.ts";

const SECRET = "soak-secret-value-0123456789";
const CHILD = new URL("./soak_emulator.ts", import.meta.url).pathname;

/** The soak's figures. */
export interface SoakResult {
  seconds: number;
  clients: number;
  requests: number;
  /** Answers that were not the expected status, or requests that failed. */
  errors: number;
  /** First few errors, for the report. */
  errorSamples: string[];
  byOperation: Record<string, number>;
  /** Emulator RSS after warm-up and at the end, bytes (after a GC). */
  rssStart: number;
  rssEnd: number;
  heapStart: number;
  heapEnd: number;
  /** RSS after warm-up, at each sample and at the end, bytes. */
  rssSamples: number[];
}

/** Runs the soak for `seconds` with `clients` concurrent clients. */
export async function runSoak(
  options: {
    seconds: number;
    clients: number;
    warmupSeconds?: number;
    sampleEverySeconds?: number;
  },
): Promise<SoakResult> {
  const state = {
    tenants: [{
      id: IDS.tenantId,
      allowRemoveParticipantAppIds: [IDS.clientId],
      apps: [{ clientId: IDS.clientId, roles: [...ALL_ROLES], secrets: [{ value: SECRET }] }],
      calls: [{
        id: IDS.callId,
        participants: [
          { id: IDS.adele, identity: { user: { id: IDS.adeleUser, displayName: "Adele" } } },
          { id: IDS.megan, identity: { user: { id: "u2", displayName: "Megan" } } },
        ],
      }],
    }],
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-all", "--v8-flags=--expose-gc", CHILD, JSON.stringify(state)],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  const lines = readLines(child.stdout);
  try {
    const { graphUrl } = JSON.parse((await lines.next()).value ?? "{}") as { graphUrl: string };
    const measure = async () => {
      await writer.write(new TextEncoder().encode("measure\n"));
      return JSON.parse((await lines.next()).value ?? "{}") as { rss: number; heapUsed: number };
    };
    const counts: Record<string, number> = {};
    const errorSamples: string[] = [];
    let errors = 0;
    let requests = 0;
    const tokenUrl = `${graphUrl}/${IDS.tenantId}/oauth2/v2.0/token`;
    const call = `${graphUrl}/v1.0/communications/calls/${IDS.callId}/participants`;
    const getToken = async () => {
      const r = await fetch(tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          client_id: IDS.clientId,
          client_secret: SECRET,
          scope: "https://graph.microsoft.com/.default",
          grant_type: "client_credentials",
        }),
      });
      if (r.status !== 200) throw new Error(`token: ${r.status}`);
      return (await r.json()).access_token as string;
    };
    const exchange = async (
      op: string,
      want: number,
      url: string,
      init: RequestInit,
    ) => {
      requests++;
      counts[op] = (counts[op] ?? 0) + 1;
      try {
        const r = await fetch(url, init);
        await r.arrayBuffer();
        if (r.status !== want) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`${op}: ${r.status}`);
        }
      } catch (e) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(`${op}: ${e}`);
      }
    };
    const client = async (until: number) => {
      let token = await getToken();
      for (let i = 0; Date.now() < until; i++) {
        const auth = { authorization: `Bearer ${token}` };
        const json = { ...auth, "content-type": "application/json" };
        switch (i % 5) {
          case 0:
            await exchange("list", 200, call, { headers: auth });
            break;
          case 1:
            await exchange("get", 200, `${call}/${IDS.adele}`, { headers: auth });
            break;
          case 2: {
            const pid = crypto.randomUUID();
            await exchange("invite", 200, `${call}/invite`, {
              method: "POST",
              headers: json,
              body: JSON.stringify({
                participants: [{
                  identity: { user: { id: crypto.randomUUID() } },
                  participantId: pid,
                }],
              }),
            });
            await exchange("remove", 204, `${call}/${pid}`, { method: "DELETE", headers: auth });
            break;
          }
          case 3:
            await exchange("mute", 200, `${call}/${IDS.adele}/mute`, {
              method: "POST",
              headers: json,
              body: "{}",
            });
            break;
          case 4:
            if (i % 50 === 4) {
              requests++;
              counts.token = (counts.token ?? 0) + 1;
              try {
                token = await getToken();
              } catch (e) {
                errors++;
                if (errorSamples.length < 5) errorSamples.push(String(e));
              }
            } else {
              await exchange("list", 200, `${call}?$top=1`, { headers: auth });
            }
        }
      }
    };
    const run = (seconds: number) => {
      const until = Date.now() + seconds * 1000;
      return Promise.all(Array.from({ length: options.clients }, () => client(until)));
    };
    await run(options.warmupSeconds ?? 1);
    const start = await measure();
    const before = { requests, errors };
    const startedAt = performance.now();
    const samples: number[] = [start.rss];
    const every = options.sampleEverySeconds ?? options.seconds;
    for (let left = options.seconds; left > 0; left -= every) {
      await run(Math.min(every, left));
      if (left > every) samples.push((await measure()).rss);
    }
    const seconds = (performance.now() - startedAt) / 1000;
    const end = await measure();
    samples.push(end.rss);
    return {
      seconds,
      clients: options.clients,
      requests: requests - before.requests,
      errors,
      errorSamples,
      byOperation: counts,
      rssStart: start.rss,
      rssEnd: end.rss,
      heapStart: start.heapUsed,
      heapEnd: end.heapUsed,
      rssSamples: samples,
    };
  } finally {
    await writer.close().catch(() => {});
    await child.status;
  }
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      yield buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
    }
  }
  if (buffered) yield buffered;
}

/** Megabytes, one decimal. */
export function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
