/**
 * The fix for each common AADSTS code, in words an admin can act on. One table, used by the
 * token client, the CLI and doctor.
 *
 * Facts: ../shared/reference/entra-tokens.md section 1.4.
 *
 * @module
 */

/** Fix texts by AADSTS number. */
export const AADSTS_HINTS: Readonly<Record<number, string>> = Object.freeze({
  7000215:
    "The client secret is wrong. Send the secret's Value (shown once when it was created), not its Secret ID.",
  7000222: "The client secret has expired. Create a new secret on the app registration.",
  7000218: "No credential was sent: give a certificate, a secret or a federated token.",
  700016:
    "The app was not found in this tenant: check the tenant and client ids, and that an admin consented to the app there.",
  90002:
    "The tenant was not found: check the tenant id or domain, and the cloud (the cloud option).",
  700027:
    "The certificate that signed the assertion is not the one uploaded to the app registration. Upload this certificate, or use the one that is there; subject-name/issuer setups need the sendCertificateChain option.",
  700024:
    "The client assertion is outside its valid time range: check this machine's clock (and time zone).",
  50048: "The assertion's subject must equal its issuer (the client id).",
  70011: "The scope is invalid: app-only tokens need the resource's /.default scope.",
  700022: "The scope names more than one resource: ask for one resource's /.default.",
  70021:
    "No federated credential on the app matches the presented token: compare its issuer, subject and audience with the app's federated credentials.",
  700213:
    "No federated credential matches the token's subject: the credential's subject must equal the token's sub claim exactly.",
  7002138:
    "The federated credential's subject matches only when case is ignored: matching is case-sensitive, so fix the case of the subject.",
  700211: "No federated credential matches the token's issuer.",
  700212: "No federated credential matches the token's audience.",
  90038: "The tenant belongs to another national cloud: choose its cloud with the cloud option.",
  500011:
    "The tenant has no service principal for the resource the scope names: Microsoft Graph of another national cloud (choose the tenant's cloud with the cloud option), or a scope that is not Graph's.",
  90055: "Entra is throttling this tenant or app: wait a minute and try again, and reuse tokens.",
  50196: "Too many identical token requests: cache tokens between calls.",
});

/** What the client knows about the failed request, to make the fix concrete. */
export interface HintContext {
  /** The local clock when the request was sent, ms since the epoch. */
  now?: number;
  /** The server's time: Entra's `timestamp` field or the response's `Date` header. */
  serverTime?: string;
  /** The certificate that signed the assertion, for 700027. */
  certificate?: {
    thumbprintSha1: string;
    thumbprintSha256: string;
    subject: string;
    sentChain: boolean;
  };
  /** The issuer, subject and audience of the federated token presented, for 70021 and kin. */
  presented?: { issuer: string; subject: string; audience: string };
}

const FEDERATED_CODES = new Set([70021, 700211, 700212, 700213, 7002137, 7002138]);

function hexThumbprint(value: string): string | undefined {
  if (/^[0-9a-f]{40}$|^[0-9a-f]{64}$/i.test(value)) return value.toUpperCase();
  try {
    const clean = value.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
    const bin = atob(clean + "=".repeat((4 - (clean.length % 4)) % 4));
    if (bin.length !== 20 && bin.length !== 32) return undefined;
    return Array.from(bin, (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("")
      .toUpperCase();
  } catch {
    return undefined;
  }
}

/**
 * The fix for an AADSTS code, with details from the description and the request where useful:
 * both thumbprints for 700027, local and server time for 700024, and the presented issuer,
 * subject and audience for the federated codes. Never includes a secret.
 *
 * @example The fix for a secret ID sent instead of its value
 * ```ts
 * import { aadstsHint } from "./aadsts_hints.ts";
 * console.log(aadstsHint(7000215, "AADSTS7000215: Invalid client secret provided."));
 * ```
 */
export function aadstsHint(
  code: number,
  description: string,
  context: HintContext = {},
): string | undefined {
  const base = AADSTS_HINTS[code];
  if (!base) return undefined;
  const lines = [base];
  if (code === 700027) {
    const sent = /Thumbprint of key used by client:\s*'([^']*)'/.exec(description)?.[1];
    const sentHex = sent ? hexThumbprint(sent) : undefined;
    const c = context.certificate;
    if (c) {
      lines.push(
        `Local certificate (${c.subject}): thumbprint ${c.thumbprintSha1} (SHA-1, the portal's ` +
          `"Thumbprint" column), SHA-256 ${c.thumbprintSha256}.`,
      );
    }
    if (sent) {
      lines.push(
        `Entra looked for the key by thumbprint ${sentHex ?? sent}${
          sentHex && sentHex !== sent ? ` (sent as ${sent})` : ""
        }; compare it with the certificates listed on the app registration.`,
      );
    }
    if (c && !c.sentChain) {
      lines.push(
        "If the app trusts certificates by subject name and issuer, send the chain: " +
          "the sendCertificateChain option or AZURE_CLIENT_SEND_CERTIFICATE_CHAIN=true.",
      );
    }
  } else if (code === 700024) {
    const local = context.now !== undefined ? new Date(context.now).toISOString() : undefined;
    const server = context.serverTime ? new Date(context.serverTime.replace(" ", "T")) : undefined;
    if (local) lines.push(`Local time: ${local}.`);
    if (server && !Number.isNaN(server.getTime())) {
      const skew = context.now !== undefined
        ? Math.round((context.now - server.getTime()) / 1000)
        : undefined;
      lines.push(
        `Entra's time: ${server.toISOString()}${
          skew !== undefined
            ? ` (this machine is ${Math.abs(skew)} s ${skew >= 0 ? "ahead" : "behind"})`
            : ""
        }.`,
      );
    }
    lines.push(
      "A federated token also expires on its own (GitHub's live about 5 minutes): get a fresh one.",
    );
  } else if (FEDERATED_CODES.has(code) && context.presented) {
    const p = context.presented;
    lines.push(
      `Presented: issuer '${p.issuer}', subject '${p.subject}', audience '${p.audience}'.`,
    );
  }
  return lines.join("\n");
}
