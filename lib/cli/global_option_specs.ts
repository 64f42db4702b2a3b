/**
 * The global options as specs (lib/cli/spec.ts): the root's options, accepted before or after the
 * command words, and their raw values turned into {@link GlobalOptions}.
 *
 * @module
 */

import type { GlobalOptions } from "./global_options.ts";
import type { OptionSpec, RawOptions } from "./spec.ts";

/** The global options: the root's options, accepted before or after the command. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { flag: "--tenant", value: "id", description: "tenant id or domain (env: AZURE_TENANT_ID)" },
  { flag: "--client-id", value: "id", description: "app (client) id (env: AZURE_CLIENT_ID)" },
  {
    flag: "--certificate",
    value: "file",
    description:
      "PEM or PFX file with the app's certificate (and key) (env: AZURE_CLIENT_CERTIFICATE_PATH)",
  },
  {
    flag: "--key",
    value: "file",
    description: "the private key, when --certificate holds only certificates",
  },
  {
    flag: "--certificate-password-file",
    value: "file",
    description: "file with the key's or PFX's password (env: AZURE_CLIENT_CERTIFICATE_PASSWORD)",
  },
  {
    flag: "--client-secret-file",
    value: "file",
    description: "file with the client secret's value, - for stdin (env: AZURE_CLIENT_SECRET)",
  },
  {
    flag: "--client-secret",
    value: "value",
    description: "refused: use --client-secret-file",
    hidden: true,
  },
  {
    flag: "--assertion-alg",
    value: "alg",
    description: "client assertion: PS256 (default) or RS256 with SHA-1 x5t",
    choices: ["PS256", "RS256"],
  },
  {
    flag: "--send-certificate-chain",
    description:
      "send the chain (x5c) for subject-name/issuer setups (env: AZURE_CLIENT_SEND_CERTIFICATE_CHAIN)",
  },
  {
    flag: "--federated",
    value: "source",
    description:
      "federated token: github (the job's OIDC token) or file:PATH (env: AZURE_FEDERATED_TOKEN_FILE)",
  },
  {
    flag: "--access-token-file",
    value: "file",
    description: "a Graph access token acquired elsewhere (env: GRAPHCALL_ACCESS_TOKEN)",
  },
  {
    flag: "--token-cache",
    value: "file",
    description: "keep access tokens (and their expiry only) in FILE between runs, mode 0600",
  },
  {
    flag: "--cloud",
    value: "name",
    description: "Global, USGov, USGovDoD or China (default: Global)",
  },
  {
    flag: "--graph-url",
    value: "url",
    description: "Graph host override, e.g. a proxy or an emulator",
  },
  {
    flag: "--authority-url",
    value: "url",
    description: "Entra authority host override (env: AZURE_AUTHORITY_HOST)",
  },
  {
    flag: "--emulator",
    value: "url",
    description: "point both hosts at a running graphcall emulator",
  },
  {
    flag: "--output",
    value: "format",
    description: "table or json",
    choices: ["table", "json"],
    default: "table",
  },
  { flag: "--quiet", short: "-q", description: "print nothing but errors" },
  {
    flag: "--verbose",
    short: "-v",
    description: "say which credential was chosen and what was sent",
  },
  {
    flag: "--graph-version",
    value: "version",
    description: "Graph API version",
    choices: ["v1.0", "beta"],
  },
  { flag: "--debug", description: "trace every HTTP exchange on stderr, secrets redacted" },
  {
    flag: "--timeout",
    value: "seconds",
    description: "give up on one HTTP request after this many seconds",
  },
  {
    flag: "--max-retries",
    value: "n",
    description: "retries on 429/503/504 and network errors (0 to 10)",
  },
  {
    flag: "--no-color",
    description: "no colour (also: NO_COLOR set, not a terminal, GitHub Actions)",
  },
  {
    flag: "--yes",
    short: "-y",
    description: "answer yes to --confirm (needed when there is no terminal)",
  },
];

/** The global options from raw values (the parser checked them against their specs). */
export function globalOptionsFrom(raw: RawOptions): GlobalOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.at(-1) : value;
  }
  return out as GlobalOptions;
}
