/**
 * Finding people in a call's roster. A roster carries identities, not UPNs: a user is matched by
 * object id (`info.identity.user.id`, any case), a phone participant by its E.164 number, anyone
 * by display name (exact after trimming, any case; explicit only, never a fallback). The app's own
 * leg (its `myParticipantId`, or `identity.application` with its app id) is never a match.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import { isGuid } from "../identifiers.ts";
import { checkE164 } from "./identities.ts";

/** A participant as Graph returns it (unknown keys are kept). */
export interface Participant {
  /** The id. */
  id: string;
  /** Who the participant is. */
  info?: {
    identity?: Record<string, { id?: string; displayName?: string } | null | undefined>;
    [key: string]: unknown;
  };
  /** Whether the participant is muted. */
  isMuted?: boolean;
  /** Whether the participant waits in the lobby. */
  isInLobby?: boolean;
  /** Other properties. */
  [key: string]: unknown;
}

/** Whom to look for: one of a user (object id), a display name, or a phone number. */
export interface FindCriteria {
  /** An Entra user's object id. */
  user?: string;
  /** A display name, matched exactly (trimmed, any case). */
  displayName?: string;
  /** A phone number in E.164. */
  phone?: string;
}

/** The app's own leg, never matched. */
export interface SelfLeg {
  /** The app's participant id in this call. */
  myParticipantId?: string | undefined;
  /** The app's id. */
  appId?: string | undefined;
}

/** Checks criteria (exactly one kind); returns them normalised. */
export function checkCriteria(criteria: FindCriteria, field = "find"): FindCriteria {
  const given = (["user", "displayName", "phone"] as const).filter((k) =>
    criteria[k] !== undefined
  );
  if (given.length !== 1) {
    throw new InvalidInputError(field, "give exactly one of user, displayName or phone");
  }
  if (criteria.user !== undefined) {
    if (!isGuid(criteria.user)) {
      throw new InvalidInputError(
        `${field}.user`,
        "must be an object id (GUID); look a UPN up first",
      );
    }
    return { user: criteria.user.toLowerCase() };
  }
  if (criteria.phone !== undefined) return { phone: checkE164(criteria.phone, `${field}.phone`) };
  const name = criteria.displayName!.trim();
  if (!name) throw new InvalidInputError(`${field}.displayName`, "must not be empty");
  return { displayName: name };
}

/** Whether a participant is the app's own leg. */
export function isSelf(p: Participant, self: SelfLeg): boolean {
  if (self.myParticipantId && p.id === self.myParticipantId) return true;
  const app = p.info?.identity?.application?.id;
  return !!app && !!self.appId && app.toLowerCase() === self.appId.toLowerCase();
}

function fold(text: string): string {
  return text.normalize("NFC").trim().toLowerCase();
}

/** Whether a participant matches checked criteria. */
export function matches(p: Participant, criteria: FindCriteria): boolean {
  const identity = p.info?.identity ?? {};
  if (criteria.user) return identity.user?.id?.toLowerCase() === criteria.user;
  if (criteria.phone) return identity.phone?.id === criteria.phone;
  const wanted = fold(criteria.displayName!);
  return Object.values(identity).some((i) =>
    typeof i?.displayName === "string" && fold(i.displayName) === wanted
  );
}

/** The participants of a roster that match, never the app itself. */
export function findInRoster(
  roster: readonly Participant[],
  criteria: FindCriteria,
  self: SelfLeg,
): Participant[] {
  const checked = checkCriteria(criteria);
  return roster.filter((p) => !isSelf(p, self) && matches(p, checked));
}
