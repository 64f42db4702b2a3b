import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { InvalidInputError } from "../lib/errors.ts";
import { parseJoinUrl } from "../lib/graph/join_url.ts";

const TID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const OID = "5b2c1a9e-0e5f-4f7a-9d39-6f1e2a3b4c5d";
const THREAD = "19:meeting_NjA2MzY5ZWQtZmU4Ni00NTI3LWEyMzgtYzgzMjk4ZjQ5MDUx@thread.v2";
const CONTEXT = encodeURIComponent(JSON.stringify({ Tid: TID, Oid: OID }));

// Link shapes from ../shared/reference/meetings.md section 3.
const LONG_LINKS: [string, string][] = [
  [
    "encoded, as Outlook writes it",
    `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(THREAD)}/0?context=${CONTEXT}`,
  ],
  [
    "decoded, as the docs show it",
    `https://teams.microsoft.com/l/meetup-join/${THREAD}/0?context={"Tid":"${TID}","Oid":"${OID}"}`,
  ],
  [
    "lower-case %3a / %40 / %7b escapes",
    `https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjA2MzY5ZWQtZmU4Ni00NTI3LWEyMzgtYzgzMjk4ZjQ5MDUx%40thread.v2/0?context=%7b%22Tid%22%3a%22${TID}%22%2c%22Oid%22%3a%22${OID}%22%7d`,
  ],
  [
    "behind /_#/ with extra parameters (anon, deeplinkId)",
    `https://teams.microsoft.com/_#/l/meetup-join/${
      encodeURIComponent(THREAD)
    }/0?context=${CONTEXT}&anon=true&deeplinkId=4b2e6a8c-0000-4000-8000-000000000000`,
  ],
  [
    "extra parameters before the context",
    `https://teams.microsoft.com/l/meetup-join/${
      encodeURIComponent(THREAD)
    }/0?anon=true&context=${CONTEXT}&deeplinkId=x`,
  ],
];

Deno.test("long meetup-join links give the thread, message, tenant and organizer", () => {
  for (const [shape, link] of LONG_LINKS) {
    const parsed = parseJoinUrl(link);
    assert.deepEqual(parsed, {
      kind: "meetupJoin",
      cloud: "Global",
      threadId: THREAD,
      messageId: "0",
      tenantId: TID,
      organizerId: OID,
    }, shape);
  }
});

Deno.test("a channel meeting link gives its message id and reply-chain id", () => {
  const thread = "19:cbee7c1c860e465f8258e3cebf7bee0d@thread.skype";
  const context = encodeURIComponent(
    JSON.stringify({ Tid: TID, Oid: OID, MessageId: "1509579179399" }),
  );
  const parsed = parseJoinUrl(
    `https://teams.microsoft.com/l/meetup-join/${
      encodeURIComponent(thread)
    }/1509579179399?context=${context}`,
  );
  assert.equal(parsed.kind, "meetupJoin");
  if (parsed.kind !== "meetupJoin") return;
  assert.equal(parsed.threadId, thread);
  assert.equal(parsed.messageId, "1509579179399");
  assert.equal(parsed.replyChainMessageId, "1509579179399");
});

Deno.test("short links give the join meeting id and passcode, and the host's cloud", () => {
  const cases: [string, unknown][] = [
    ["https://teams.microsoft.com/meet/2414128301281?p=NzhDLMLT8b07DrkwkE", {
      kind: "joinMeetingId",
      cloud: "Global",
      joinMeetingId: "2414128301281",
      passcode: "NzhDLMLT8b07DrkwkE",
    }],
    ["https://teams.microsoft.com/v2/?meetingjoin=true#/meet/2414128301281?p=NzhDLMLT8b07DrkwkE", {
      kind: "joinMeetingId",
      cloud: "Global",
      joinMeetingId: "2414128301281",
      passcode: "NzhDLMLT8b07DrkwkE",
    }],
    ["https://gov.teams.microsoft.us/meet/2414128301281?p=abc123", {
      kind: "joinMeetingId",
      cloud: "USGov",
      joinMeetingId: "2414128301281",
      passcode: "abc123",
    }],
    ["https://dod.teams.microsoft.us/meet/2414128301281", {
      kind: "joinMeetingId",
      cloud: "USGovDoD",
      joinMeetingId: "2414128301281",
    }],
    ["  https://teams.microsoft.com/meet/2414128301281?p=x&utm=mail  ", {
      kind: "joinMeetingId",
      cloud: "Global",
      joinMeetingId: "2414128301281",
      passcode: "x",
    }],
  ];
  for (const [link, expected] of cases) assert.deepEqual(parseJoinUrl(link), expected, link);
});

Deno.test("links that cannot be joined are refused with the reason", () => {
  const cases: [string, RegExp][] = [
    ["https://teams.live.com/meet/9876543210?p=abc", /teams\.live\.com.*consumer/],
    ["https://teams.microsoftonline.cn/meet/9876543210", /China/],
    ["https://evil.example/l/meetup-join/x/0", /not a Teams meeting host/],
    ["https://teams.microsoft.com.evil.example/meet/2414128301281", /not a Teams meeting host/],
    ["https://user:pw@teams.microsoft.com/meet/2414128301281", /not a Teams meeting host/],
    ["http://teams.microsoft.com/meet/2414128301281", /https:\/\//],
    ["teams.microsoft.com/meet/2414128301281", /not a URL/],
    [`https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(THREAD)}/0`, /no context/],
    [
      `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(THREAD)}/0?context=${
        encodeURIComponent(JSON.stringify({ Oid: OID }))
      }`,
      /no tenant \(Tid\)/,
    ],
    [
      `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(THREAD)}/0?context=%7bnot`,
      /not JSON/,
    ],
    ["https://teams.microsoft.com/l/channel/19%3aabc%40thread.tacv2/General", /not a meeting/],
    ["https://teams.microsoft.com/meet/12?p=x", /not a meeting id/],
    ["https://teams.microsoft.com/meet/2414128301281?p=%3Cscript%3E", /passcode/],
    [`https://teams.microsoft.com/l/meetup-join/..%2f..%2fusers/0?context=${CONTEXT}`, /thread/],
    ["", /join link/],
  ];
  for (const [link, reason] of cases) {
    assert.throws(() => parseJoinUrl(link, "--join-url"), (e: unknown) => {
      assert.ok(e instanceof InvalidInputError, link);
      assert.equal(e.field, "--join-url");
      assert.match(e.message, reason, link);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  }
});

Deno.test("hostile links never throw anything but a typed invalid-input error", () => {
  const junk = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.tuple(
      fc.constantFrom(
        "https://teams.microsoft.com/l/meetup-join/",
        "https://teams.microsoft.com/_#/l/meetup-join/",
        "https://teams.microsoft.com/meet/",
        "https://teams.microsoft.com/v2/?meetingjoin=true#/meet/",
        "https://gov.teams.microsoft.us/meet/",
      ),
      fc.string({ maxLength: 200 }),
      fc.oneof(fc.constant(""), fc.string({ maxLength: 80 }).map((s) => `?context=${s}`)),
    ).map(([a, b, c]) => a + b + c),
    fc.tuple(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 })).map(([tid, oid]) =>
      `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(THREAD)}/0?context=${
        encodeURIComponent(`{"Tid":${JSON.stringify(tid)},"Oid":${JSON.stringify(oid)}}`)
      }`
    ),
  );
  fc.assert(
    fc.property(junk, (link) => {
      try {
        const parsed = parseJoinUrl(link);
        // what parses is well-formed
        if (parsed.kind === "meetupJoin") assert.match(parsed.tenantId, /^[0-9a-f-]{36}$/);
        else assert.match(parsed.joinMeetingId, /^\d+$/);
      } catch (e) {
        if (!(e instanceof InvalidInputError)) throw e;
        // deno-lint-ignore no-control-regex
        assert.doesNotMatch(e.message, /[\u0000-\u001f\u007f-\u009f\u202e]/);
      }
    }),
    { numRuns: 1000, seed: 1303 },
  );
});
