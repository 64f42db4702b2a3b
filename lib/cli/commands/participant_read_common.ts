/**
 * What `participant list` and `participant get` share: who a participant is in a few words, and
 * the checks of `--select` and `--filter`.
 *
 * @module
 */

import { InvalidInputError } from "../../errors.ts";
import type { Participant } from "../../graph/call.ts";
import { sanitise } from "../sanitise.ts";

/** Who a participant is, in a few words (sanitised: anyone in a meeting picks their name). */
export function describeParticipant(p: Participant): string {
  const identity = p.info?.identity ?? {};
  for (const kind of ["user", "guest", "phone", "application", "applicationInstance"]) {
    const who = identity[kind];
    if (who) return `${kind}: ${sanitise(who.displayName ?? who.id ?? "?")}`;
  }
  return "unknown";
}

/** Parses `--select a,b`: property names. */
export function parseSelect(value: string | undefined): string[] | undefined {
  const select = value?.split(",").map((s) => s.trim()).filter(Boolean);
  if (
    select && (select.length === 0 || select.some((s) => !/^[A-Za-z@][A-Za-z0-9@._-]*$/.test(s)))
  ) {
    throw new InvalidInputError("--select", "give property names separated by commas");
  }
  return select;
}

/** Parses `--filter`: an OData filter, sent as it is. */
export function parseFilter(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (
    value.trim() === "" || value.length > 1000 || [...value].some((c) => c.charCodeAt(0) < 0x20)
  ) {
    throw new InvalidInputError(
      "--filter",
      'give an OData filter of at most 1000 characters, e.g. "isMuted eq true"',
    );
  }
  return value;
}
