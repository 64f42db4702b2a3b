/**
 * `graphcall demo`: the main job, told as a short story on the embedded emulator. An admin holds
 * a meeting's join link and the email of a person to remove; graphcall lists the meeting, joins,
 * finds the person, removes them, leaves, and the meeting is listed again. `graphcall demo
 * --guard` tells the guard's story: a banned person rejoins twice and is removed each time. Each
 * step runs the command a user types (`deps.runCli`), so it takes the user's code path.
 *
 * @module
 */

import type { Emulator } from "../../emulator/mod.ts";
import type { EmulatorStateSpec } from "../../emulator/state.ts";
import { type CommandDeps, defineCommand } from "../command.ts";
import type { Io } from "../io.ts";

/** The demo tenant's ids (public, made up). */
export const DEMO = Object.freeze({
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  domain: "contoso.onmicrosoft.com",
  clientId: "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
  organizer: "5b2c1a9e-0e5f-4f7a-9d39-6f1e2a3b4c5d",
  adele: "278405a3-f568-4b3e-b684-009193463064",
  megan: "e3b5f5a1-9a53-4c38-8a43-6c1e4f0d2b7a",
  threadId: "19:meeting_Y29udG9zby13ZWVrbHktc3luYw@thread.v2",
});

/** The demo tenant: the app (with its certificate), four people, and a meeting in progress. */
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
        roles: ["Calls.JoinGroupCall.All", "User.Read.All"],
        certificates: [{ pem: certificatePem }],
      }],
      users: [
        {
          id: DEMO.organizer,
          displayName: "Olga Organizer",
          userPrincipalName: "olga@contoso.onmicrosoft.com",
        },
        {
          id: DEMO.adele,
          displayName: "Adele Vance",
          userPrincipalName: "adele@contoso.onmicrosoft.com",
          mail: "adele@contoso.com",
        },
        {
          id: DEMO.megan,
          displayName: "Megan Bowen",
          userPrincipalName: "megan@contoso.onmicrosoft.com",
        },
      ],
      meetings: [{
        id: "weekly-sync",
        organizer: DEMO.organizer,
        subject: "Weekly sync",
        threadId: DEMO.threadId,
        joinMeetingId: "3141592653589",
        passcode: "Pi3141",
        lobby: "open",
        attendees: [
          { user: DEMO.organizer },
          { user: DEMO.adele },
          { user: DEMO.megan },
          { identity: { phone: { id: "+14255550123" } } },
        ],
      }],
    }],
  };
}

/** The options of `demo`. */
export interface DemoOptions {
  /** `--guard`: the guard's story instead. */
  guard: boolean;
}

export default defineCommand<DemoOptions>({
  parse: (raw) => ({ guard: raw.guard === true }),

  async run(options, deps) {
    const { io } = deps;
    const [{ createCertificate }, { startEmulator }] = await Promise.all([
      import("../../auth/create_certificate.ts"),
      import("../../emulator/mod.ts"),
    ]);
    const say = (text: string) => io.out(text + "\n");
    say(
      options.guard
        ? "graphcall demo --guard: keeping a banned person out of a Teams meeting, on a local " +
          "emulated tenant.\n"
        : "graphcall demo: removing a person from a running Teams meeting, from its join link and " +
          "their email, on a local emulated tenant.\n",
    );
    const dir = await Deno.makeTempDir({ prefix: "graphcall-demo-" });
    say("1. A fresh certificate for the demo app (RSA 2048, valid one day), and the emulator");
    say("   (Entra ID + Graph) on loopback, with the certificate uploaded to the app, the app");
    say("   allowed to remove participants, and a meeting in progress...");
    const cert = await createCertificate({
      subject: "CN=graphcall demo",
      keySize: 2048,
      notAfter: new Date(Date.now() + 24 * 3600 * 1000),
    });
    const pemPath = `${dir}/demo-app.pem`;
    await Deno.writeTextFile(pemPath, cert.certificatePem + cert.privateKeyPem, { mode: 0o600 });
    const emulator = await startEmulator({ state: demoState(cert.certificatePem) });
    say(`   listening at ${emulator.graphUrl}\n`);
    const link = emulator.state.snapshot().tenants[0]!.meetings![0]!.joinWebUrl as string;
    const common = [
      "--emulator",
      emulator.graphUrl,
      "--tenant",
      DEMO.domain,
      "--client-id",
      DEMO.clientId,
      "--certificate",
      pemPath,
    ];
    const live = () =>
      emulator.state.snapshot().tenants.flatMap((t) => t.calls ?? []).filter((c) =>
        c.state !== "terminated"
      ).length;
    const stopped = (code: number) => ({
      command: "demo",
      result: { ok: false },
      human: () => "",
      printed: true,
      exitCode: code,
    });
    const step = async (argv: string[]) => {
      const shown = argv.map((a) => a === link ? '"$JOIN_URL"' : a).join(" ");
      say(`   $ graphcall ${shown}`);
      return await deps.runCli([...common, ...argv], indent(io));
    };
    try {
      say("2. The admin has the meeting's join link, copied from the invitation:");
      say(`   $ JOIN_URL='${link}'\n`);
      say("3. Who is in the meeting (the app joins, reads the roster, and leaves):\n");
      let code = await step(["meeting", "participants", "--join-url", link]);
      if (code !== 0) return stopped(code);
      if (options.guard) return await guardStory(deps, say, step, link, emulator, live);

      say("\n4. Removing Adele by her email (the app joins, finds her, removes her, leaves):\n");
      code = await step([
        "meeting",
        "remove",
        "--join-url",
        link,
        "--user",
        "adele@contoso.onmicrosoft.com",
      ]);
      if (code !== 0) return stopped(code);
      say("\n5. The meeting now:\n");
      code = await step(["meeting", "participants", "--join-url", link]);
      if (code !== 0) return stopped(code);
      const joins = emulator.requests.filter((r) =>
        r.method === "POST" && r.path.endsWith("/communications/calls")
      );
      const removals = emulator.requests.filter((r) =>
        r.method === "DELETE" && r.path.includes("/participants/")
      );
      const tokens = [...emulator.tokenRequests.values()].reduce((a, b) => a + b, 0);
      say(
        `\nDone: Graph answered ${
          removals.map((r) => r.status).join(", ")
        } to the DELETE of Adele's participant; ${joins.length} joins, each followed by a ` +
          `hang-up (the app's calls still live: ${live()}); ${tokens} app-only ${
            tokens === 1 ? "token was" : "tokens were"
          } issued (cached between commands).`,
      );
      say("On your own tenant: graphcall meeting remove --help (and graphcall tenant setup once).");
      return {
        command: "demo",
        result: { ok: true, joins: joins.length, liveCalls: live(), tokens },
        human: () => "",
        printed: true,
      };
    } finally {
      await emulator.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** The guard's story: Adele is banned; she is there, rejoins twice, and is removed each time. */
async function guardStory(
  _deps: CommandDeps,
  say: (text: string) => void,
  step: (argv: string[]) => Promise<number>,
  link: string,
  emulator: Emulator,
  live: () => number,
) {
  say("\n4. Guarding the meeting for 6 seconds: Adele is banned. She is in the meeting now, and");
  say("   (played by the demo) she rejoins at 2 s and at 4 s:\n");
  const rejoin = (at: number) =>
    setTimeout(() => {
      emulator.addAttendee(DEMO.tenantId, "weekly-sync", { user: DEMO.adele });
    }, at);
  const timers = [rejoin(2000), rejoin(4000)];
  let code: number;
  try {
    code = await step([
      "meeting",
      "guard",
      "--join-url",
      link,
      "--deny",
      "adele@contoso.onmicrosoft.com",
      "--duration",
      "6s",
    ]);
  } finally {
    timers.forEach(clearTimeout);
  }
  say(`\nDone: the app's calls still live: ${live()}.`);
  say("On your own tenant: graphcall meeting guard --help");
  return {
    command: "demo",
    result: { ok: code === 0, liveCalls: live() },
    human: () => "",
    printed: true,
    exitCode: code,
  };
}
/** Indents everything a nested command prints, so the story reads clearly. */
function indent(io: Io): Io {
  const pad = (s: string) => s.replace(/^(?=.)/gm, "   ");
  return { ...io, out: (s) => io.out(pad(s)), err: (s) => io.err(pad(s)) };
}
