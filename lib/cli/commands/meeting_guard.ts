/**
 * `graphcall meeting guard --join-url URL --deny UPN|OID|E164 ...`: the app stays in the meeting
 * and removes each denied person at once and every time they come back, until Ctrl-C, SIGTERM
 * or the end of `--duration`; then it hangs up, prints how many removals it made per person, and
 * exits 0. One line per event on a terminal; with `--output json`, one JSON object per event
 * (JSON Lines), the summary last. `--what-if` shows the plan and sends nothing.
 *
 * @module
 */

import { InvalidInputError } from "../../errors.ts";
import type { GuardEvent, GuardRules, GuardSummary } from "../../graph/guard_meeting.ts";
import { defineCommand } from "../command.ts";
import { outputFormat } from "../global_options.ts";
import { markdownTable } from "../github_actions.ts";
import { flag, list, text } from "../raw_options.ts";
import { sanitise } from "../sanitise.ts";
import {
  joinOptions,
  lobbyNotice,
  type MeetingOptions,
  parseMeetingOptions,
  startListener,
} from "./meeting_common.ts";

const COMMAND = "meeting guard";

/** The options of `meeting guard`, checked. */
export interface GuardCommandOptions extends MeetingOptions {
  /** Whom to remove. */
  rules: GuardRules;
  /** `--duration`, ms. */
  durationMs?: number;
  /** `--poll-interval`, ms (default 1000). */
  pollIntervalMs: number;
  /** `--rejoin`. */
  rejoin: boolean;
  /** `--what-if`. */
  whatIf: boolean;
}

/** Reads a duration: `90`, `90s`, `15m`, `2h` (at most a week). */
export function parseDuration(value: string, field: string): number {
  const m = /^(\d{1,7})\s*(s|m|h)?$/i.exec(value.trim());
  const ms = m
    ? Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[(m[2] ?? "s").toLowerCase() as "s"]) * 1000
    : NaN;
  if (!m || !(ms >= 1000) || ms > 7 * 86_400_000) {
    throw new InvalidInputError(
      field,
      `"${value}" is not a duration such as 90s, 15m or 2h (1 s to 7 days)`,
    );
  }
  return ms;
}

export default defineCommand<GuardCommandOptions>({
  async parse(raw) {
    const meeting = parseMeetingOptions(raw);
    const deny = list(raw, "deny") ?? [];
    const rules: GuardRules = {
      users: deny.filter((d) => !d.trim().startsWith("+")),
      phones: deny.filter((d) => d.trim().startsWith("+")).map((d) => d.trim()),
      displayNames: list(raw, "denyDisplayName") ?? [],
      guests: flag(raw, "denyGuests"),
      allowTenants: list(raw, "allowTenant") ?? [],
    };
    const { checkRules } = await import("../../graph/guard_meeting.ts");
    try {
      checkRules(rules);
    } catch (e) {
      if (e instanceof InvalidInputError && e.field === "rules") {
        throw new InvalidInputError(
          "--deny",
          "name whom to keep out: --deny UPN|OBJECT_ID|+E164, --deny-display-name PATTERN, " +
            "--deny-guests or --allow-tenant ID",
        );
      }
      throw e;
    }
    const duration = text(raw, "duration");
    const poll = text(raw, "pollInterval");
    let pollIntervalMs = 1000;
    if (poll !== undefined) {
      const seconds = Number(poll);
      if (!/^\d+(\.\d+)?$/.test(poll.trim()) || seconds < 0.1 || seconds > 300) {
        throw new InvalidInputError(
          "--poll-interval",
          `"${poll}" is not a number of seconds from 0.1 to 300`,
        );
      }
      pollIntervalMs = Math.round(seconds * 1000);
    }
    return {
      ...meeting,
      rules,
      ...(duration !== undefined ? { durationMs: parseDuration(duration, "--duration") } : {}),
      pollIntervalMs,
      rejoin: flag(raw, "rejoin"),
      whatIf: flag(raw, "whatIf"),
    };
  },

  async run(o, deps) {
    const json = outputFormat(deps.globals) === "json";
    const out = (line: string) => deps.io.out(line + "\n");
    if (o.whatIf) {
      const { dryRunGraph } = await import("../connection.ts");
      const { joinMeeting } = await import("../../graph/meeting_join.ts");
      const dry = await dryRunGraph(deps.globals, deps.io);
      const join = await joinMeeting(dry.http, o.link, {
        ...joinOptions(o, undefined),
        tenantId: dry.tenantId ?? "",
        callbackUri: o.callbackUri ?? dry.callbackUri ?? "",
        dryRun: true,
      });
      const plan = {
        rules: o.rules,
        pollIntervalMs: o.pollIntervalMs,
        ...(o.durationMs ? { durationMs: o.durationMs } : {}),
        rejoin: o.rejoin,
        lookups: (o.rules.users ?? []).filter((u) => u.includes("@")).map((u) => `GET /users/${u}`),
        join: "dryRun" in join ? join.request : undefined,
      };
      return {
        command: COMMAND,
        result: { dryRun: true, plan },
        human: () =>
          [
            "What if: graphcall would look up, join, then stay and remove:",
            ...(o.rules.users ?? []).map((u) => `  user ${u}`),
            ...(o.rules.phones ?? []).map((p) => `  phone ${p}`),
            ...(o.rules.displayNames ?? []).map((n) => `  display name matching "${String(n)}"`),
            ...(o.rules.guests ? ["  every anonymous guest"] : []),
            ...(o.rules.allowTenants?.length
              ? [`  everyone outside tenants ${o.rules.allowTenants.join(", ")}`]
              : []),
            `  polling the roster every ${o.pollIntervalMs / 1000} s${
              o.durationMs ? `, for ${o.durationMs / 1000} s` : ", until Ctrl+C"
            }${o.rejoin ? ", rejoining if its call ends" : ""}`,
            ...plan.lookups.map((l) => `  ${l}`),
            `  ${"dryRun" in join ? `${join.request.method} ${join.request.url}` : ""}`,
            "(nothing was sent)",
          ].join("\n") + "\n",
      };
    }

    const client = await deps.connect();
    const listening = await startListener(o, deps, {
      appId: client.clientId,
      graphUrl: client.graphUrl,
      cloud: client.cloud.name,
    });
    using interrupt = deps.listenForInterrupt();
    const signals = [interrupt.stop];
    if (o.durationMs) signals.push(AbortSignal.timeout(o.durationMs));
    const signal = AbortSignal.any(signals);
    const started = Date.now();
    const say = (e: GuardEvent) => {
      if (json) return out(JSON.stringify({ event: e.type, ...e, type: undefined }));
      const at = new Date(e.at).toISOString().slice(11, 19);
      switch (e.type) {
        case "joined":
          return out(`${at} joined the meeting (call ${e.callId})`);
        case "removed":
          return out(
            `${at} removed ${sanitise(e.who)} (${
              sanitise(e.rule)
            }; participant ${e.participantId})`,
          );
        case "alreadyGone":
          return out(`${at} ${sanitise(e.who)} had already left`);
        case "callEnded":
          return out(`${at} the app's call ended: ${sanitise(e.reason)}`);
        case "rejoining":
          return out(`${at} rejoining in ${Math.round(e.delayMs / 1000)} s (attempt ${e.attempt})`);
        case "error":
          return deps.io.err(`graphcall: ${at} ${sanitise(e.error.message)}\n`);
        case "left":
          return out(`${at} hung up: the app left the meeting`);
      }
    };
    let summary: GuardSummary;
    try {
      summary = await client.guardMeeting(o.link, o.rules, {
        ...joinOptions(o, listening),
        ...(listening ? { rosterNotifications: listening.listener } : {}),
        pollIntervalMs: o.pollIntervalMs,
        rejoin: o.rejoin,
        signal,
        onEvent: say,
        onProgress: lobbyNotice(deps),
      });
    } finally {
      await listening?.listener.close();
    }
    const endedBy = summary.endedBy === "callEnded"
      ? "callEnded"
      : interrupt.received ?? (o.durationMs ? "duration" : "signal");
    const people = Object.entries(summary.byPerson).map(([who, removals]) => ({ who, removals }));
    const result = {
      callIds: summary.callIds,
      removals: summary.removals.length,
      byPerson: summary.byPerson,
      endedBy,
      ranMs: Date.now() - started,
    };
    if (json) out(JSON.stringify({ event: "summary", ...result }));
    else {
      out(
        `${summary.removals.length} removal${summary.removals.length === 1 ? "" : "s"}` +
          (people.length
            ? `: ${people.map((p) => `${sanitise(p.who)} ${p.removals}`).join(", ")}`
            : "") +
          ` (ended by ${endedBy})`,
      );
    }
    return {
      command: COMMAND,
      result,
      human: () => "",
      printed: true,
      // The app's own call ended and it did not rejoin: the guard did not run its course.
      exitCode: summary.endedBy === "callEnded" ? 8 : 0,
      github: {
        outputs: { removals: String(summary.removals.length) },
        summary: markdownTable(
          `graphcall: meeting guard made ${summary.removals.length} removals`,
          people.map((p) => ({ who: sanitise(p.who), removals: p.removals })),
          ["who", "removals"],
        ),
      },
    };
  },
});
