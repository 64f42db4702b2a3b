/**
 * fast-check arbitraries of hostile input, shared by the client-side (tests/hostile_input_test.ts)
 * and emulator-side (tests/hostile_emulator_test.ts) property tests.
 */

import fc from "npm:fast-check@^4";
import { INVITE_LIMITS } from "../../lib/graph/invite.ts";
import { IDS } from "./tenant.ts";

/** Characters that must never reach a Graph path or identity unnoticed. */
export const TRICKS = [
  "/",
  "?",
  "#",
  "%",
  "\\",
  " ",
  "\t",
  "\n",
  "\r",
  "..",
  "\u0000",
  "\u001b",
  "\u007f",
  "\u0085",
  "\u200b", // zero-width space
  "\u200e", // left-to-right mark
  "\u202e", // right-to-left override
  "\u2028", // line separator
  "\u2060", // word joiner
  "\ufeff", // byte order mark
];

/** The tricks that are invisible or control characters (not path characters). */
export const INVISIBLE = TRICKS.filter((c) => c.length === 1 && !"/?#%\\ ".includes(c));

export const anyText = fc.string({ maxLength: 30, unit: "grapheme" });
export const withTrick = fc.tuple(anyText, fc.constantFrom(...TRICKS), anyText).map(([a, t, b]) =>
  a + t + b
);
export const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
);

/** Nests a value `depth` levels deep in objects or arrays. */
export function nest(depth: number, asArray: boolean): unknown {
  let v: unknown = "deep";
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
}

const validParticipant = { identity: { user: { id: IDS.adeleUser } } };

/** Invitation bodies that are each wrong in at least one way. */
export const hostileInviteBody: fc.Arbitrary<unknown> = fc.oneof(
  // wrong types, top to bottom
  notAString.filter((v) => typeof v !== "object" || v === null || Array.isArray(v)),
  fc.string(),
  notAString.filter((v) => !Array.isArray(v)).map((p) => ({ participants: p })),
  fc.constant({ participants: [] }),
  fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.integer())).map((p) => ({
    participants: [p],
  })),
  notAString.filter((v) => typeof v !== "object" || Array.isArray(v) || v === null).map((i) => ({
    participants: [{ identity: i }],
  })),
  fc.constantFrom("hidden", "removeFromDefaultAudioRoutingGroup").chain((flag) =>
    fc.oneof(fc.string(), fc.integer(), fc.constant({})).map((v) => ({
      participants: [{ ...validParticipant, [flag]: v }],
    }))
  ),
  notAString.filter((v) => v !== undefined && v !== null).map((c) => ({
    participants: [validParticipant],
    clientContext: c,
  })),
  // unknown properties, at the top and in a participant
  fc.string({ minLength: 1, maxLength: 20 }).filter((k) =>
    !["participants", "clientContext", "@odata.type"].includes(k) && k !== "__proto__"
  ).map((k) => ({ participants: [validParticipant], [k]: 1 })),
  // huge arrays
  fc.integer({ min: INVITE_LIMITS.participants + 1, max: 20_000 }).map((n) => ({
    participants: Array.from({ length: n }, () => validParticipant),
  })),
  // deep nesting, in an identity and as a participant
  fc.tuple(fc.integer({ min: 2, max: 5_000 }), fc.boolean()).map(([d, arr]) => ({
    participants: [{ identity: { user: { id: IDS.adeleUser, displayName: nest(d, arr) } } }],
  })),
  fc.integer({ min: 2, max: 5_000 }).map((d) => ({ participants: [nest(d, true)] })),
  // megabyte strings
  fc.constantFrom("displayName", "id", "tenantId").map((k) => ({
    participants: [{ identity: { user: { id: IDS.adeleUser, [k]: "x".repeat(1 << 20) } } }],
  })),
  fc.constant({ participants: [validParticipant], clientContext: "c".repeat(1 << 20) }),
  fc.constant({ participants: [{ ...validParticipant, participantId: "p".repeat(1 << 20) }] }),
  // unicode tricks in ids and names
  withTrick.map((id) => ({ participants: [{ ...validParticipant, participantId: id }] })),
  fc.tuple(
    fc.constantFrom("id", "displayName"),
    fc.constantFrom(...INVISIBLE),
    anyText,
  )
    .map(([k, c, s]) => ({
      participants: [{ identity: { guest: { id: "guest-1", [k]: `${s}${c}${s}` } } }],
    })),
  fc.constant({ participants: [{ identity: { guest: { id: "g\ud800" } } }] }), // unpaired surrogate
  // an identity that names nothing, or a phone that is not E.164
  fc.constant({ participants: [{ identity: {} }] }),
  fc.constant({ participants: [{ identity: { user: { displayName: "no id" } } }] }),
);
