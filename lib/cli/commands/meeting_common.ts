/**
 * What the meeting commands share: the join link (checked at parse time), the lobby timeout, the
 * callback URI and the optional listener (`--listen HOST:PORT`, verifying each notification), the
 * people given by `--user`, `--display-name` and `--phone`, and how a person is said.
 *
 * @module
 */

import { isLoopbackHost } from "../../auth/host_url.ts";
import { InvalidInputError } from "../../errors.ts";
import { type JoinLink, parseJoinUrl } from "../../graph/join_url.ts";
import type { Person } from "../../graph/remove_from_meeting.ts";
import type { NotificationListener } from "../../graph/notification_listener.ts";
import type { CommandDeps } from "../command.ts";
import { list, text } from "../raw_options.ts";
import type { RawOptions } from "../spec.ts";

/** The options every meeting command takes. */
export interface MeetingOptions {
  /** `--join-url`, as given (kept for the journal). */
  joinUrl: string;
  /** The link, read. */
  link: JoinLink;
  /** `--lobby-timeout` in ms (default 120 s). */
  lobbyTimeoutMs: number;
  /** `--callback-uri` (else GRAPHCALL_CALLBACK_URI; on the emulator graphcall supplies one). */
  callbackUri?: string;
  /** `--listen HOST:PORT`. */
  listen?: { hostname: string; port: number };
  /** `--notification-keys URL` (a JWKS or OpenID configuration URL). */
  notificationKeys?: string;
}

/** Reads `--join-url`, `--lobby-timeout`, `--callback-uri`, `--listen`, `--notification-keys`. */
export function parseMeetingOptions(raw: RawOptions): MeetingOptions {
  const joinUrl = text(raw, "joinUrl");
  if (joinUrl === undefined) {
    throw new InvalidInputError(
      "--join-url",
      "give the meeting's join link (https://teams.microsoft.com/l/meetup-join/... or /meet/...)",
    );
  }
  const link = parseJoinUrl(joinUrl, "--join-url");
  const lobby = text(raw, "lobbyTimeout");
  let lobbyTimeoutMs = 120_000;
  if (lobby !== undefined) {
    const seconds = Number(lobby);
    if (!/^\d{1,5}$/.test(lobby.trim()) || seconds < 1 || seconds > 86_400) {
      throw new InvalidInputError(
        "--lobby-timeout",
        `"${lobby}" is not a number of seconds (1 to 86400)`,
      );
    }
    lobbyTimeoutMs = seconds * 1000;
  }
  const listenText = text(raw, "listen");
  let listen: MeetingOptions["listen"];
  if (listenText !== undefined) {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(listenText.trim());
    const port = Number(m?.[2]);
    if (!m || port > 65535) {
      throw new InvalidInputError("--listen", "give HOST:PORT, e.g. 127.0.0.1:8443");
    }
    listen = { hostname: m[1]!.replace(/^\[|\]$/g, ""), port };
  }
  const callbackUri = text(raw, "callbackUri");
  const notificationKeys = text(raw, "notificationKeys");
  return {
    joinUrl,
    link,
    lobbyTimeoutMs,
    ...(callbackUri !== undefined ? { callbackUri } : {}),
    ...(listen ? { listen } : {}),
    ...(notificationKeys !== undefined ? { notificationKeys } : {}),
  };
}

/** The people given by `--user`, `--display-name` and `--phone`, in that order. */
export function parsePeople(raw: RawOptions, required = true): Person[] {
  const people: Person[] = [
    ...(list(raw, "user") ?? []).map((user) => ({ user })),
    ...(list(raw, "displayName") ?? []).map((displayName) => ({ displayName })),
    ...(list(raw, "phone") ?? []).map((phone) => ({ phone })),
  ];
  if (required && people.length === 0) {
    throw new InvalidInputError(
      "--user",
      "name whom to remove: --user UPN|OBJECT_ID, --display-name NAME or --phone +E164 " +
        "(each repeatable)",
    );
  }
  return people;
}

/** A person in one word: the UPN or id, the phone number, or the quoted name. */
export function personKey(person: Person): string {
  if (typeof person === "string") return `user:${person}`;
  if ("user" in person) return `user:${person.user}`;
  if ("phone" in person) return `phone:${person.phone}`;
  return `name:${person.displayName}`;
}

/** A person as a table shows it. */
export function personText(person: Person): string {
  const key = personKey(person);
  return key.startsWith("name:") ? `"${key.slice(5)}"` : key.slice(key.indexOf(":") + 1);
}

/** A person back from its key (a journal holds keys). */
export function personFromKey(key: string): Person {
  if (key.startsWith("phone:")) return { phone: key.slice(6) };
  if (key.startsWith("name:")) return { displayName: key.slice(5) };
  return { user: key.replace(/^user:/, "") };
}

/** Whether the Graph host is a loopback emulator (graphcall then supplies the callback URI). */
function onEmulator(graphUrl: string): boolean {
  return isLoopbackHost(new URL(graphUrl).hostname);
}

/**
 * The listener of `--listen`, started for the command's life, and the callback URI the join
 * sends: `--callback-uri` (the public URL in front of the listener), or on the emulator the
 * listener's own loopback URL.
 */
export async function startListener(
  o: MeetingOptions,
  deps: Pick<CommandDeps, "io">,
  context: { appId: string; graphUrl: string; cloud: string },
): Promise<{ listener: NotificationListener; callbackUri: string } | undefined> {
  if (!o.listen) return undefined;
  const emulator = onEmulator(context.graphUrl);
  if (!o.callbackUri && !emulator) {
    throw new InvalidInputError(
      "--callback-uri",
      "with --listen, give the public HTTPS URL that reaches it (your tunnel), e.g. " +
        "--callback-uri https://bot.example.com/callback",
    );
  }
  const keys = o.notificationKeys ??
    (emulator
      ? `${context.graphUrl.replace(/\/+$/, "")}/_emulator/notifications/jwks`
      : context.cloud === "Global"
      ? (await import("../../graph/notification_listener.ts")).NOTIFICATION_OPENID_CONFIGURATION
      : undefined);
  if (!keys) {
    throw new InvalidInputError(
      "--notification-keys",
      `where the ${context.cloud} cloud publishes its notification signing keys is not ` +
        "documented: give the JWKS or OpenID configuration URL",
    );
  }
  const { listenForNotifications } = await import("../../graph/notification_listener.ts");
  const listener = await listenForNotifications({
    hostname: o.listen.hostname,
    port: o.listen.port,
    appId: context.appId,
    keys,
    onRejected: (reason) => deps.io.err(`graphcall: a notification was refused: ${reason}\n`),
  });
  return { listener, callbackUri: o.callbackUri ?? listener.url };
}

/** The join options the library takes from the meeting options. */
export function joinOptions(
  o: MeetingOptions,
  listening: { listener: NotificationListener; callbackUri: string } | undefined,
) {
  const callbackUri = listening?.callbackUri ?? o.callbackUri;
  return {
    lobbyTimeoutMs: o.lobbyTimeoutMs,
    ...(callbackUri ? { callbackUri } : {}),
    ...(listening ? { notifications: listening.listener } : {}),
  };
}

/** Says the lobby wait on stderr, once, with who must do what. */
export function lobbyNotice(deps: Pick<CommandDeps, "io">): (p: { type: string }) => void {
  let told = false;
  return (p) => {
    if (p.type !== "lobby" || told) return;
    told = true;
    deps.io.err(
      "graphcall: the app waits in the meeting's lobby: someone in the meeting must admit it " +
        "('Meeting bot' or the app's name), or the meeting's options must let it bypass the " +
        "lobby; waiting (--lobby-timeout)\n",
    );
  };
}
