/**
 * `graphcall demo`: the main job, told as a short story on the embedded emulator. It starts a
 * local tenant, makes a fresh certificate for the demo app, lists a call, removes a participant
 * through the same command a user types, and lists the call again.
 *
 * @module
 */

import type { EmulatorStateSpec } from "../../emulator/state.ts";
import { defineCommand } from "../command.ts";
import type { Io } from "../io.ts";

/** The demo tenant's ids (public, made up). */
export const DEMO = Object.freeze({
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  domain: "contoso.onmicrosoft.com",
  clientId: "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
  callId: "112f7296-5fa4-42ca-bae8-6a692b15d4b8",
  adele: "a7ebfb2d-871e-419c-87af-27290b22e8db",
  megan: "2c8d5c7e-3c0b-4b57-9f5e-9f0e2a7d1b44",
  bot: "5f3a0c1e-7d2b-4e8f-a1c6-0b9d8e7f6a50",
});

/** The demo tenant, with the demo app's certificate. */
export function demoState(certificatePem: string): EmulatorStateSpec {
  return {
    tenants: [{
      id: DEMO.tenantId,
      domains: [DEMO.domain],
      cloud: "Global",
      allowRemoveParticipantAppIds: [DEMO.clientId],
      apps: [{
        clientId: DEMO.clientId,
        displayName: "Meeting bot",
        roles: ["Calls.JoinGroupCall.All", "Calls.InitiateGroupCall.All", "Calls.Initiate.All"],
        certificates: [{ pem: certificatePem }],
      }],
      users: [
        { id: "278405a3-f568-4b3e-b684-009193463064", displayName: "Adele Vance" },
        { id: "e3b5f5a1-9a53-4c38-8a43-6c1e4f0d2b7a", displayName: "Megan Bowen" },
      ],
      calls: [{
        id: DEMO.callId,
        appId: DEMO.clientId,
        participants: [
          {
            id: DEMO.bot,
            identity: { application: { id: DEMO.clientId, displayName: "Meeting bot" } },
          },
          { id: DEMO.adele, user: "278405a3-f568-4b3e-b684-009193463064" },
          { id: DEMO.megan, user: "e3b5f5a1-9a53-4c38-8a43-6c1e4f0d2b7a" },
        ],
      }],
    }],
  };
}

/**
 * The demo. It runs the CLI itself (`deps.runCli`) for each step, so it takes the user's code
 * path; the runs share one token cache, as commands in one process would.
 */
export default defineCommand<Record<string, never>>({
  parse: () => ({}),

  async run(_options, deps) {
    const { io } = deps;
    const [{ createCertificate }, { startEmulator }] = await Promise.all([
      import("../../auth/create_certificate.ts"),
      import("../../emulator/mod.ts"),
    ]);
    const say = (text: string) => io.out(text + "\n");
    say("graphcall demo: removing a participant from a Teams call, on a local emulated tenant.\n");

    const dir = await Deno.makeTempDir({ prefix: "graphcall-demo-" });
    const started = await (async () => {
      say("1. Making a fresh certificate for the demo app (RSA 2048, valid one day)...");
      const cert = await createCertificate({
        subject: "CN=graphcall demo",
        keySize: 2048,
        notAfter: new Date(Date.now() + 24 * 3600 * 1000),
      });
      const pemPath = `${dir}/demo-app.pem`;
      await Deno.writeTextFile(pemPath, cert.certificatePem + cert.privateKeyPem, {
        mode: 0o600,
      });
      say(`   certificate thumbprint (SHA-1) ${cert.thumbprintSha1}, written to ${pemPath}`);
      say("2. Starting the emulator (Entra ID + Graph) on loopback, with the certificate uploaded");
      say("   to the app registration and the app allowed to remove participants...");
      const emulator = await startEmulator({ state: demoState(cert.certificatePem) });
      say(`   listening at ${emulator.graphUrl}\n`);
      return { emulator, pemPath };
    })();
    const { emulator } = started;
    const common = [
      "--emulator",
      emulator.graphUrl,
      "--tenant",
      DEMO.domain,
      "--client-id",
      DEMO.clientId,
      "--certificate",
      started.pemPath,
    ];
    const stopped = (code: number) => ({
      command: "demo",
      result: { ok: false },
      human: () => "",
      printed: true,
      exitCode: code,
    });
    try {
      say(`3. The call ${DEMO.callId} has these participants:\n`);
      say(`   $ graphcall participant list --call ${DEMO.callId}`);
      const list = [...common, "participant", "list", "--call", DEMO.callId];
      let code = await deps.runCli(list, indent(io));
      if (code !== 0) return stopped(code);
      say(`\n4. Removing Adele Vance (participant ${DEMO.adele}):\n`);
      say(`   $ graphcall participant remove --call ${DEMO.callId} --participant ${DEMO.adele}`);
      code = await deps.runCli(
        [...common, "participant", "remove", "--call", DEMO.callId, "--participant", DEMO.adele],
        indent(io),
      );
      if (code !== 0) return stopped(code);
      say(`\n5. The call now has:\n`);
      code = await deps.runCli(list, indent(io));
      if (code !== 0) return stopped(code);
      const tokens = [...emulator.tokenRequests.values()].reduce((a, b) => a + b, 0);
      const deletes = emulator.requests.filter((r) => r.method === "DELETE");
      say(
        `\nDone: Graph answered ${
          deletes.map((r) => r.status).join(", ")
        } to the DELETE; ${tokens} app-only ${
          tokens === 1 ? "token was" : "tokens were"
        } issued for certificate assertions (the token is cached between commands).`,
      );
      say("Try it on your own tenant: graphcall participant remove --help");
      return {
        command: "demo",
        result: { ok: true, tokens, deleteStatuses: deletes.map((r) => r.status) },
        human: () => "",
        printed: true,
      };
    } finally {
      await emulator.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Indents everything a nested command prints, so the story reads clearly. */
function indent(io: Io): Io {
  const pad = (s: string) => s.replace(/^(?=.)/gm, "   ");
  return { ...io, out: (s) => io.out(pad(s)), err: (s) => io.err(pad(s)) };
}
