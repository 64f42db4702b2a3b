/**
 * The error of a removal from a meeting that did not find everyone: a file of its own so that
 * scripts can check for it without loading the meeting path.
 *
 * @module
 */

import { GraphcallError } from "../errors.ts";
import type { RemoveFromMeetingResult } from "./meeting_result.ts";

/** The people were checked; no match for some of them. The result says what was done. */
export class PersonNotFoundError extends GraphcallError {
  /** What was done before and besides (the app has left). */
  readonly result: RemoveFromMeetingResult;
  /** Creates the error. */
  constructor(message: string, result: RemoveFromMeetingResult) {
    super("not_found", message, {
      remediation: "check the person's UPN, object id or exact display name; list the meeting " +
        "with: graphcall meeting participants --join-url URL",
    });
    this.result = result;
  }
  /** A plain object for `--output json`. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), rosterSize: this.result.rosterSize };
  }
}
