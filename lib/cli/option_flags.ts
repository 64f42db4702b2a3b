/**
 * The library names its options (`tenantId`, `clientSecretFile`, ...); the CLI names its flags.
 * This is the one table between the two, and the one function that rewrites a library text for
 * the command line when the CLI prints it: an error's `field`, and option keys written in prose
 * as "the tenantId option" or "the certificate, clientSecretFile or federated option".
 *
 * @module
 */

/** The CLI flag for each library option key that has one. */
export const OPTION_FLAGS: Readonly<Record<string, string>> = Object.freeze({
  tenantId: "--tenant",
  clientId: "--client-id",
  certificate: "--certificate",
  certificatePasswordFile: "--certificate-password-file",
  clientSecretFile: "--client-secret-file",
  assertionAlgorithm: "--assertion-alg",
  sendCertificateChain: "--send-certificate-chain",
  federated: "--federated",
  accessTokenFile: "--access-token-file",
  tokenCachePath: "--token-cache",
  cloud: "--cloud",
  graphUrl: "--graph-url",
  authorityUrl: "--authority-url",
  emulatorUrl: "--emulator",
  graphVersion: "--graph-version",
  maxRetries: "--max-retries",
  timeoutMs: "--timeout",
  tokenTimeoutMs: "--timeout",
  concurrency: "--concurrency",
  callbackUri: "--callback-uri",
  joinUrl: "--join-url",
  users: "--user",
});

/** The flag for an error's field, or the field itself (a variable, a flag, a JSON path). */
export function flagForField(field: string): string {
  return Object.hasOwn(OPTION_FLAGS, field) ? OPTION_FLAGS[field]! : field;
}

// "the KEY option", "the A, B or C option", "the A and B options".
const OPTION_PHRASE = /\bthe ([a-z][A-Za-z]*(?:(?:, |,? or |,? and )[a-z][A-Za-z]*)*) options?\b/g;
const SEPARATOR = /(, |,? or |,? and )/;

/**
 * Rewrites option keys in a library text as CLI flags: `set the tenantId option or
 * AZURE_TENANT_ID` becomes `set --tenant or AZURE_TENANT_ID`. A phrase naming any word that is
 * not an option with a flag is left as it is.
 *
 * @example
 * ```ts
 * import { withFlags } from "./option_flags.ts";
 * console.log(withFlags("no tenant: set the tenantId option or AZURE_TENANT_ID"));
 * // no tenant: set --tenant or AZURE_TENANT_ID
 * ```
 */
export function withFlags(text: string): string {
  return text.replace(OPTION_PHRASE, (phrase, list: string) => {
    const parts = list.split(SEPARATOR);
    const keys = parts.filter((_, i) => i % 2 === 0);
    if (!keys.every((k) => Object.hasOwn(OPTION_FLAGS, k))) return phrase;
    return parts.map((p, i) => i % 2 === 0 ? OPTION_FLAGS[p]! : p).join("");
  });
}

/**
 * A library error's message for the command line: a leading `field: ` becomes the flag's, and
 * option keys in the prose become flags. Without `field`, a leading option key is recognised.
 */
export function messageWithFlags(message: string, field?: string): string {
  const lead = field ?? /^([a-z][A-Za-z]*): /.exec(message)?.[1];
  let text = message;
  if (lead !== undefined && text.startsWith(`${lead}: `)) {
    text = `${flagForField(lead)}: ${text.slice(lead.length + 2)}`;
  }
  return withFlags(text);
}
