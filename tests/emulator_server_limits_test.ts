/**
 * The emulator as a server under hostile clients: body caps by Content-Length and while
 * streaming (before any parsing or authorization), body timeouts, the Host check against DNS
 * rebinding, certificate paths never read through the admin API, and a prompt stop on SIGTERM
 * with a half-sent request in flight. The memory and signal tests run the emulator in a child
 * process (`graphcall emulator`) and talk to it over raw TCP.
 */

import assert from "node:assert/strict";
import { startEmulator } from "../lib/emulator/mod.ts";
import { InvalidInputError } from "../lib/errors.ts";
import { M, meetingTenant } from "./support/meeting_world.ts";

const CLI = new URL("../cli.ts", import.meta.url).pathname;
const enc = new TextEncoder();
const MiB = 1024 * 1024;

/** Writes all of `bytes` (one write may take only part of them). */
async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

/** Whether `text` holds a whole HTTP/1.1 answer (headers and a Content-Length body). */
function complete(text: string): boolean {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1];
  return length !== undefined && enc.encode(text.slice(end + 4)).length >= Number(length);
}

/** Sends raw bytes and reads the answer until it is whole or the server closes. */
async function raw(
  port: number,
  head: string,
  options: { body?: Uint8Array } = {},
): Promise<{ status: number; text: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  // An answer that does not come within 5 s counts as none (status 0).
  const deadline = setTimeout(() => {
    try {
      conn.close();
    } catch { /* closed */ }
  }, 5000);
  try {
    await writeAll(conn, enc.encode(head));
    if (options.body) await writeAll(conn, options.body);
    const buf = new Uint8Array(64 * 1024);
    let text = "";
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
      if (complete(text)) break;
    }
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text };
  } finally {
    clearTimeout(deadline);
    try {
      conn.close();
    } catch { /* already closed by the server */ }
  }
}

function bodyOf(text: string): Record<string, unknown> {
  return JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4));
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

Deno.test("a body announced over 4 MiB is refused at once by its Content-Length, in each route's error shape", async () => {
  await using emulator = await startEmulator({ state: { tenants: [meetingTenant()] } });
  const port = portOf(emulator.graphUrl);
  const routes: [string, (b: Record<string, unknown>) => void][] = [
    ["/v1.0/communications/calls", (b) => {
      const e = b.error as { code: string; innerError: Record<string, string> };
      assert.equal(e.code, "RequestEntityTooLarge");
      assert.ok(e.innerError["request-id"]);
    }],
    [`/${M.tenantId}/oauth2/v2.0/token`, (b) => {
      assert.equal(b.error, "invalid_request");
      assert.deepEqual(b.error_codes, [900144]);
      assert.match(String(b.error_description), /^AADSTS900144: /);
    }],
    ["/_emulator/tenants", (b) => {
      assert.equal((b.error as { code: string }).code, "RequestEntityTooLarge");
    }],
  ];
  for (const [path, check] of routes) {
    // No body is sent at all: the answer comes from the announced length alone.
    const r = await raw(
      port,
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${500 * MiB}\r\n\r\n`,
    );
    assert.equal(r.status, 413, path);
    check(bodyOf(r.text));
  }
});

Deno.test("a streamed body is cut at 4 MiB and refused with 413 before authorization; under the cap it is served", async () => {
  await using emulator = await startEmulator({ state: { tenants: [meetingTenant()] } });
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= 12 * MiB) return c.close();
      sent += 64 * 1024;
      c.enqueue(new Uint8Array(64 * 1024).fill(0x20));
    },
  });
  // No Authorization header: a 401 would mean the body was read (or skipped) after auth.
  const r = await fetch(`${emulator.graphUrl}/v1.0/communications/calls`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: stream,
  }).catch((e) => e as Error);
  if (r instanceof Response) {
    assert.equal(r.status, 413);
    assert.equal((await r.json()).error.code, "RequestEntityTooLarge");
  } else {
    // The server may close the connection while the client is still sending: still refused.
    assert.ok(sent < 12 * MiB, "the upload was cut short");
  }
  assert.ok(!emulator.requests.some((q) => q.status === 401), "never reached authorization");
  // A body just under the cap is read and answered normally.
  const ok = await fetch(`${emulator.graphUrl}/v1.0/communications/calls`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: " ".repeat(4 * MiB - 10) + "{}",
  });
  assert.equal(ok.status, 401);
  await ok.body?.cancel();
});

Deno.test("a body that stops arriving is answered 408 after the body timeout", async () => {
  await using emulator = await startEmulator({
    state: { tenants: [meetingTenant()] },
    bodyTimeoutMs: 200,
  });
  const port = portOf(emulator.graphUrl);
  const t0 = performance.now();
  const r = await raw(
    port,
    `POST /${M.tenantId}/oauth2/v2.0/token HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nclient_id=`,
  );
  assert.equal(r.status, 408);
  assert.ok(performance.now() - t0 < 5000);
  assert.equal(bodyOf(r.text).error, "invalid_request");
});

Deno.test("a Host that does not name the emulator is refused with 421 on every route (DNS rebinding); its loopback names pass", async () => {
  await using emulator = await startEmulator({ state: { tenants: [meetingTenant()] } });
  const port = portOf(emulator.graphUrl);
  for (
    const path of [
      "/_emulator/state",
      "/v1.0/communications/calls/x",
      `/${M.tenantId}/v2.0/.well-known/openid-configuration`,
    ]
  ) {
    for (
      const host of ["evil.example", `evil.example:${port}`, `127.0.0.1:${port + 1}`, "localhost"]
    ) {
      const r = await raw(
        port,
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(r.status, 421, `${host} ${path}`);
      assert.ok(!r.text.includes("evil.example"), "the Host is not echoed");
    }
    for (
      const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]
    ) {
      const r = await raw(
        port,
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      );
      assert.notEqual(r.status, 421, `${host} ${path}`);
    }
  }
  // Names given in allowedHosts pass too.
  await using named = await startEmulator({ allowedHosts: ["emulator.test"] });
  const p2 = portOf(named.graphUrl);
  const r = await raw(
    p2,
    `GET /_emulator HTTP/1.1\r\nHost: emulator.test:${p2}\r\nConnection: close\r\n\r\n`,
  );
  assert.equal(r.status, 200);
});

Deno.test("the admin API refuses certificate paths at once, device files included, and a state file's path must be a small regular file", async () => {
  await using emulator = await startEmulator({ state: { tenants: [meetingTenant()] } });
  const t0 = performance.now();
  for (
    const [path, body] of [
      [`/tenants/${M.tenantId}/apps`, { clientId: "x", certificates: [{ path: "/dev/zero" }] }],
      ["/tenants", { id: "t2", apps: [{ clientId: "y", certificates: [{ path: "app.crt" }] }] }],
    ] as const
  ) {
    const r = await fetch(`${emulator.adminUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    assert.equal(r.status, 400, path);
    assert.match((await r.json()).error.message, /certificates\[\]\.path.*inline as pem/);
  }
  assert.ok(performance.now() - t0 < 2000, "refused without reading anything");
  await assert.rejects(
    emulator.seedTenant({ id: "t3", apps: [{ clientId: "z", certificates: [{ path: "a.crt" }] }] }),
    InvalidInputError,
  );
  // A state file may name certificate files, but only regular ones of reasonable size.
  const dir = await Deno.makeTempDir({ prefix: "graphcall-state-" });
  try {
    await Deno.writeTextFile(`${dir}/big.crt`, "x".repeat(300 * 1024));
    for (
      const [file, why] of [["/dev/zero", /not a regular file/], ["big.crt", /larger than/], [
        dir,
        /not a regular file/,
      ]] as const
    ) {
      const state = `${dir}/state.json`;
      await Deno.writeTextFile(
        state,
        JSON.stringify({
          tenants: [{ id: "t", apps: [{ clientId: "a", certificates: [{ path: file }] }] }],
        }),
      );
      await assert.rejects(startEmulator({ state }), (e: unknown) => {
        assert.ok(e instanceof InvalidInputError);
        assert.match(e.message, why);
        return true;
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** `graphcall emulator --output json` in a child process. */
async function childEmulator() {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      CLI,
      "emulator",
      "--output",
      "json",
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let line = "";
  while (!line.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    line += value;
  }
  const info = JSON.parse(line.split("\n")[0]!);
  return {
    child,
    port: portOf(info.graphUrl),
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch { /* it already stopped */ }
      await reader.cancel().catch(() => {});
      await child.status;
    },
  };
}

/** VmRSS and VmHWM of a process, bytes (Linux). */
async function memory(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)![1]) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

Deno.test({
  name:
    "the emulator's memory stays within 50 MB of its idle figure while refusing a 500 MB body, announced or streamed",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using e = await childEmulator();
    // Warm up (first requests load code), then take the idle figure.
    for (let i = 0; i < 3; i++) {
      await raw(
        e.port,
        `GET /_emulator/state HTTP/1.1\r\nHost: 127.0.0.1:${e.port}\r\nConnection: close\r\n\r\n`,
      );
    }
    const idle = await memory(e.child.pid);
    // Announced: 500 MB behind Content-Length, streamed until the emulator stops listening.
    // Streamed: chunked, no length, 500 MB in 64 KiB chunks (nothing held in this process).
    for (const chunked of [false, true]) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: e.port });
      await conn.write(enc.encode(
        `POST /${M.tenantId}/oauth2/v2.0/token HTTP/1.1\r\nHost: 127.0.0.1:${e.port}\r\n` +
          "Content-Type: application/x-www-form-urlencoded\r\n" +
          (chunked ? "Transfer-Encoding: chunked\r\n\r\n" : `Content-Length: ${500 * MiB}\r\n\r\n`),
      ));
      const answer = (async () => {
        const buf = new Uint8Array(4096);
        const n = await conn.read(buf).catch(() => null);
        return n ? new TextDecoder().decode(buf.subarray(0, n)) : "";
      })();
      // No answer within 30 s counts as none.
      const deadline = setTimeout(() => {
        try {
          conn.close();
        } catch { /* closed */ }
      }, 30_000);
      const chunk = new Uint8Array(64 * 1024).fill(0x61);
      const frame = chunked
        ? new Uint8Array([...enc.encode(`${chunk.length.toString(16)}\r\n`), ...chunk, 13, 10])
        : chunk;
      let written = 0;
      try {
        while (written < 500 * MiB) {
          await writeAll(conn, frame);
          written += chunk.length;
        }
        if (chunked) await writeAll(conn, enc.encode("0\r\n\r\n"));
      } catch { /* the emulator closed the connection: the rest is never read */ }
      const text = await answer;
      clearTimeout(deadline);
      // The 413 can be lost to the connection reset that closing an unread upload causes; the
      // emulator's request log below shows the refusal either way.
      assert.ok(text === "" || /^HTTP\/1\.1 413 /.test(text), `chunked=${chunked}: ${text}`);
      try {
        conn.close();
      } catch { /* closed */ }
    }
    const after = await memory(e.child.pid);
    const log = bodyOf(
      (await raw(e.port, `GET /_emulator/requests HTTP/1.1\r\nHost: 127.0.0.1:${e.port}\r\n\r\n`))
        .text,
    ) as unknown as { path: string; status: number }[];
    assert.deepEqual(
      log.filter((r) => r.path.endsWith("/oauth2/v2.0/token")).map((r) => r.status),
      [413, 413],
    );
    const limit = idle.rss + 50 * 1024 * 1024;
    assert.ok(
      after.hwm <= Math.max(idle.hwm, limit),
      `peak RSS ${after.hwm >> 20} MiB, idle ${idle.rss >> 20} MiB (limit ${limit >> 20} MiB)`,
    );
  },
});

Deno.test({
  name:
    "SIGTERM stops graphcall emulator within 2 s with a half-sent body and a half-sent header in flight",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using e = await childEmulator();
    const halfBody = await Deno.connect({ hostname: "127.0.0.1", port: e.port });
    await halfBody.write(enc.encode(
      `POST /_emulator/tenants HTTP/1.1\r\nHost: 127.0.0.1:${e.port}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id":',
    ));
    const halfHeader = await Deno.connect({ hostname: "127.0.0.1", port: e.port });
    await halfHeader.write(
      enc.encode(`GET /_emulator/state HTTP/1.1\r\nHost: 127.0.0.1:${e.port}\r\nX-Slow: a`),
    );
    // The emulator has the half body in a handler once it answers another request.
    await raw(
      e.port,
      `GET /_emulator HTTP/1.1\r\nHost: 127.0.0.1:${e.port}\r\nConnection: close\r\n\r\n`,
    );
    const t0 = performance.now();
    e.child.kill("SIGTERM");
    // Bounded: a child still running after 5 s fails the test (and is killed on dispose).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const status = await Promise.race([
      e.child.status,
      new Promise<Deno.CommandStatus>((resolve) =>
        timer = setTimeout(() => resolve({ success: false, code: -1, signal: null }), 5000)
      ),
    ]);
    clearTimeout(timer);
    const ms = performance.now() - t0;
    assert.equal(status.code, 0);
    assert.ok(ms < 2000, `stopped after ${ms.toFixed(0)} ms`);
    for (const c of [halfBody, halfHeader]) {
      try {
        c.close();
      } catch { /* closed by the emulator */ }
    }
  },
});
