import assert from "node:assert/strict";
import { Ajv2020 } from "npm:ajv@8/dist/2020.js";
import { type EmulatorStateSpec, startEmulator } from "../lib/emulator/mod.ts";
import { InvalidInputError } from "../lib/errors.ts";
import { M, meetingTenant } from "./support/meeting_world.ts";

const ROOT = new URL("../", import.meta.url);

async function validator() {
  const schema = JSON.parse(
    await Deno.readTextFile(new URL("docs/emulator-state.schema.json", ROOT)),
  );
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false });
  return ajv.compile(schema);
}

/** A state that uses every field the meetings work added. */
function fullState(): EmulatorStateSpec {
  return {
    tenants: [meetingTenant({
      calls: [
        {
          id: "seeded-leg",
          appId: M.botB,
          meetingId: "allhands",
          myParticipantId: "b0b0b0b0-0000-4000-8000-000000000000",
        },
        { id: "plain-call", participants: [{ id: "p1", user: M.adele, isMuted: true }] },
      ],
    })],
    settings: {
      joinDelayMs: 0,
      lobbyTimeoutMs: 60_000,
      keepAliveTimeoutMs: 2_700_000,
      callbackFailure: "terminate",
      notificationRetries: 1,
      notificationTimeoutMs: 1000,
      callNotFound: { code: "9997", message: "Call not found." },
      inviteLimit: 5,
    },
  };
}

Deno.test("the JSON Schema accepts the example state file and a state using every meeting, call, user and settings field", async () => {
  const validate = await validator();
  const example = JSON.parse(
    await Deno.readTextFile(new URL("examples/emulator-tenant.json", ROOT)),
  );
  assert.equal(validate(example), true, JSON.stringify(validate.errors));
  assert.equal(validate(fullState()), true, JSON.stringify(validate.errors));
});

Deno.test("the JSON Schema and the emulator both refuse a meeting with an unknown lobby value or field", async () => {
  const validate = await validator();
  for (
    const [meeting, field] of [
      [{ id: "m", lobby: "closed" }, "lobby"],
      [{ id: "m", attendees: [{ user: M.adele, identity: { phone: { id: "+1" } } }] }, "attendees"],
      [{ id: "m", joinMeetingId: "12ab" }, "joinMeetingId"],
    ] as const
  ) {
    const state = { tenants: [meetingTenant({ meetings: [meeting as never] })] };
    assert.equal(validate(state), false, JSON.stringify(meeting));
    await assert.rejects(startEmulator({ state }), (e: unknown) => {
      assert.ok(e instanceof InvalidInputError);
      assert.ok(e.message.includes(field), e.message);
      return true;
    });
  }
  assert.equal(
    validate({ tenants: [meetingTenant({ meetings: [{ id: "m", colour: "red" } as never] })] }),
    false,
  );
});

Deno.test("the example state file loads into the emulator with its meeting and derived links", async () => {
  const example = JSON.parse(
    await Deno.readTextFile(new URL("examples/emulator-tenant.json", ROOT)),
  );
  // Its app certificate is a file next to the user's state file; this test has none.
  for (const app of example.tenants[0].apps) delete app.certificates;
  await using emulator = await startEmulator({ state: example });
  const [tenant] = emulator.state.snapshot().tenants;
  const meeting = tenant!.meetings.find((m) => m.id === "allhands")!;
  assert.equal(
    meeting.shortJoinUrl,
    "https://teams.microsoft.com/meet/2414128301281?p=NzhDLMLT8b07DrkwkE",
  );
  assert.equal(meeting.attendees!.length, 3);
  await using full = await startEmulator({ state: fullState() });
  const calls = full.state.snapshot().tenants[0]!.calls;
  assert.deepEqual(calls.map((c) => [c.id, c.appId, c.state, c.meetingId]), [
    ["seeded-leg", M.botB, "established", "allhands"],
    ["plain-call", M.botA, "established", undefined],
  ]);
});
