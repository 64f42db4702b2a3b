/**
 * Where tokens and Graph requests go: the cloud, its authority and Graph hosts, and the overrides
 * (options first, then the environment). The CLI and `connect()` read the same variables here,
 * so a script and the CLI agree.
 *
 * @module
 */

import { type Cloud, getCloud } from "../clouds.ts";
import { type EnvSource, readEnv } from "./env.ts";
import { checkHostUrl } from "./host_url.ts";

/** The options that choose the hosts; each falls back to its environment variable. */
export interface HostOptions {
  /** Cloud name. Default Global. Env: `GRAPHCALL_CLOUD`. */
  cloud?: string;
  /** Authority host override. Env: `AZURE_AUTHORITY_HOST`. */
  authorityUrl?: string;
  /** Graph host override. */
  graphUrl?: string;
  /**
   * A running graphcall emulator: both hosts point at it, unless `authorityUrl` or `graphUrl` is
   * given too. Env: `GRAPHCALL_EMULATOR_URL`.
   */
  emulatorUrl?: string;
  /** Environment to read from; default `Deno.env`. */
  env?: EnvSource;
}

/** The hosts chosen. URLs are normalised (no trailing slash). */
export interface Hosts {
  /** The cloud: the token's audience and scope. */
  cloud: Cloud;
  /** Authority host: `{authorityUrl}/{tenant}/oauth2/v2.0/token`. */
  authorityUrl: string;
  /** Graph host: `{graphUrl}/v1.0/...`. */
  graphUrl: string;
  /** The emulator both hosts default to, when one was given. */
  emulatorUrl?: string;
}

/**
 * Chooses the hosts. Authority: `authorityUrl`, then the emulator (`emulatorUrl`,
 * `GRAPHCALL_EMULATOR_URL`), then `AZURE_AUTHORITY_HOST`, then the cloud's. Graph: `graphUrl`,
 * then the emulator, then the cloud's. Every URL goes through {@link checkHostUrl}, which names
 * the option or variable it came from. Reads no file and sends nothing.
 *
 * @example Point both hosts at an emulator through the environment
 * ```ts
 * import { resolveHosts } from "./hosts.ts";
 * const hosts = resolveHosts({ env: { GRAPHCALL_EMULATOR_URL: "http://127.0.0.1:8080" } });
 * console.log(hosts.graphUrl, hosts.authorityUrl); // both http://127.0.0.1:8080
 * ```
 *
 * @throws {InvalidInputError} naming the option or variable whose value is refused.
 */
export function resolveHosts(options: HostOptions = {}): Hosts {
  const env = options.env;
  const cloud = options.cloud !== undefined
    ? getCloud(options.cloud, "cloud")
    : getCloud(readEnv("GRAPHCALL_CLOUD", env) ?? "Global", "GRAPHCALL_CLOUD");
  const given = (value: string | undefined, field: string) =>
    value === undefined ? undefined : checkHostUrl(value, field);
  const emulatorUrl = given(options.emulatorUrl, "emulatorUrl") ??
    given(readEnv("GRAPHCALL_EMULATOR_URL", env), "GRAPHCALL_EMULATOR_URL");
  const authorityUrl = given(options.authorityUrl, "authorityUrl") ?? emulatorUrl ??
    given(readEnv("AZURE_AUTHORITY_HOST", env), "AZURE_AUTHORITY_HOST") ?? cloud.authorityUrl;
  const graphUrl = given(options.graphUrl, "graphUrl") ?? emulatorUrl ?? cloud.graphUrl;
  return { cloud, authorityUrl, graphUrl, ...(emulatorUrl ? { emulatorUrl } : {}) };
}
