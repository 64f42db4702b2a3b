/**
 * The one place that gathers a participant command's targets: the call (`--call`), the
 * participants (`--participant`, `--participant-url`, `--input-object`, `--from`), or a journal
 * to continue (`--resume`). The sources must name one call; each problem is one error naming
 * the flag. Files and stdin are read here; nothing is sent.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import { checkId } from "../graph/ids.ts";
import type { Io } from "./io.ts";
import { list, text } from "./raw_options.ts";
import type { RawOptions } from "./spec.ts";
import type { JournalContents } from "./journal.ts";
import {
  agreeOnCall,
  parseParticipantUrl,
  readIdList,
  readInputObject,
} from "./participant_input.ts";

/** The target flags a participant command may have (absent ones are not given). */
export interface TargetFlags {
  /** `--call`. */
  call?: string;
  /** `--participant` (repeatable for `participant remove`). */
  participant?: readonly string[];
  /** `--participant-url` (repeatable for `participant remove`). */
  participantUrl?: readonly string[];
  /** `--input-object FILE|-`. */
  inputObject?: string;
  /** `--from FILE|-`. */
  from?: string;
  /** `--resume FILE`. */
  resume?: string;
  /** `--all-except-self` (`participant remove`): no participant is named. */
  allExceptSelf?: boolean;
}

/** The four ways of naming a call and its participants, as the participant commands read them. */
export function participantTargetFlags(raw: RawOptions): TargetFlags {
  return {
    call: text(raw, "call"),
    participant: list(raw, "participant"),
    participantUrl: list(raw, "participantUrl"),
    inputObject: text(raw, "inputObject"),
  };
}

/** How many participants the command acts on. */
export type TargetCount = "none" | "one" | "many";

/** What the targets are. */
export interface Targets {
  /** The call. */
  callId: string;
  /** The participants, in order, each once (empty for `none`, or with `--all-except-self`). */
  participantIds: string[];
  /** Whether an id list (`--from`) was read. */
  fromList: boolean;
  /** The journal to continue, read (not yet locked or repaired). */
  resume?: { path: string; contents: JournalContents };
}

const INPUT_FLAGS = ["--participant", "--participant-url", "--input-object", "--from"] as const;

/**
 * Gathers the targets of `command` (`participant remove`, ...) from its flags.
 *
 * @example
 * ```ts ignore
 * const t = await gatherTargets({ call: "c1", participant: ["p1", "p2"] }, io, {
 *   command: "participant remove",
 *   count: "many",
 * });
 * ```
 */
export async function gatherTargets(
  flags: TargetFlags,
  io: Io,
  rules: { command: string; count: TargetCount },
): Promise<Targets> {
  if (flags.resume !== undefined) return await resumeTargets(flags, rules);
  const calls: [string, string | undefined][] = [["--call", flags.call]];
  const pids: [string, string][] = [];
  for (const id of flags.participant ?? []) pids.push(["--participant", id]);
  for (const url of flags.participantUrl ?? []) {
    const target = parseParticipantUrl(url);
    calls.push(["--participant-url", target.callId]);
    pids.push(["--participant-url", target.participantId]);
  }
  if (flags.inputObject !== undefined) {
    const target = await readInputObject(io, flags.inputObject);
    calls.push(["--input-object", target.callId]);
    pids.push(["--input-object", target.participantId]);
  }
  let fromList = false;
  if (flags.from !== undefined) {
    const list = await readIdList(io, flags.from);
    for (const c of list.callIds) calls.push(["--from", c]);
    for (const id of list.ids) pids.push(["participant id", id]);
    fromList = true;
  }
  if (rules.count === "one") {
    if (pids.length === 0) {
      throw new InvalidInputError(
        "--participant",
        "give --participant ID, --participant-url URL or --input-object FILE|-",
      );
    }
    if (pids.length > 1) {
      throw new InvalidInputError(
        pids[1]![0],
        `names a second participant; give one of ${pids[0]![0]} or ${pids[1]![0]}`,
      );
    }
  }
  if (rules.count === "many") {
    if (flags.allExceptSelf && pids.length > 0) {
      throw new InvalidInputError(
        "--all-except-self",
        "cannot be combined with --participant, --participant-url, --input-object or --from",
      );
    }
    if (!flags.allExceptSelf && pids.length === 0) {
      throw new InvalidInputError(
        "--participant",
        "give --participant ID (repeatable), --participant-url URL, --input-object FILE|-, " +
          "--from FILE|- or --all-except-self",
      );
    }
  }
  const callId = agreeOnCall(calls);
  const participantIds = [...new Set(pids.map(([field, id]) => checkId(id, field)))];
  return { callId, participantIds, fromList };
}

/** `--resume FILE`: the call and the items come from the journal's header. */
async function resumeTargets(
  flags: TargetFlags,
  rules: { command: string; count: TargetCount },
): Promise<Targets> {
  const path = flags.resume!;
  const given: Record<(typeof INPUT_FLAGS)[number] | "--all-except-self", unknown> = {
    "--participant": flags.participant,
    "--participant-url": flags.participantUrl,
    "--input-object": flags.inputObject,
    "--from": flags.from,
    "--all-except-self": flags.allExceptSelf || undefined,
  };
  for (const [flag, value] of Object.entries(given)) {
    if (value !== undefined) {
      throw new InvalidInputError(
        flag,
        "cannot be combined with --resume: the journal holds the call and the input list",
      );
    }
  }
  const { readJournal } = await import("./journal.ts");
  const contents = readJournal(path);
  if (contents.header.command !== rules.command) {
    throw new InvalidInputError(
      "--resume",
      `${path} is the journal of '${contents.header.command}'; resume it with that command`,
    );
  }
  const callId = agreeOnCall([["--resume", contents.header.callId], ["--call", flags.call]]);
  const participantIds = rules.count === "many"
    ? contents.header.items.map((id, i) => checkId(id, `${path} items[${i}]`))
    : [];
  return { callId, participantIds, fromList: false, resume: { path, contents } };
}
