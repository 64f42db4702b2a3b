/**
 * The one policy for the Entra authority and Graph hosts, whichever way they are given (an option,
 * a CLI flag, `AZURE_AUTHORITY_HOST`, `GRAPHCALL_EMULATOR_URL`): the value must parse as a URL,
 * use https, and may use plain http only for a loopback host (127.0.0.0/8, `localhost`,
 * `[::1]`), where a local emulator runs. Tokens and client secrets travel to these hosts, so a
 * typo must never send them in clear text across a network.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";

/** Whether a URL's hostname (as `URL` normalises it) is a loopback address or `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Checks an authority or Graph host and returns it normalised: origin and path, no trailing
 * slash, no query or fragment.
 *
 * @example Accept an emulator on loopback, refuse clear text elsewhere
 * ```ts
 * import { checkHostUrl } from "./host_url.ts";
 * console.log(checkHostUrl("http://127.0.0.1:8080/", "graphUrl")); // http://127.0.0.1:8080
 * try {
 *   checkHostUrl("http://login.example.com", "authorityUrl");
 * } catch (e) {
 *   console.log((e as Error).message); // authorityUrl: http://login.example.com is not ...
 * }
 * ```
 *
 * @param value The URL as given.
 * @param field The option key or environment variable it came from, named in errors.
 * @throws {InvalidInputError} naming `field` when the value is not a URL, not http(s), carries
 * a user name or password, or is plain http to a host that is not loopback.
 */
export function checkHostUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InvalidInputError(
      field,
      "is not a URL; give e.g. https://login.microsoftonline.com, or http://127.0.0.1:PORT " +
        "for a local emulator",
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InvalidInputError(
      field,
      `must be an https URL (or http for a loopback host), not ${url.protocol.slice(0, 20)}`,
    );
  }
  if (url.username || url.password) {
    throw new InvalidInputError(field, "must not carry a user name or password");
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new InvalidInputError(
      field,
      `${url.origin} is not encrypted: use https (plain http is allowed only for loopback ` +
        "hosts: 127.0.0.0/8, localhost, [::1])",
    );
  }
  return url.origin + url.pathname.replace(/\/+$/, "");
}
