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
  90002: "The tenant was not found: check the tenant id or domain, and the cloud (--cloud).",
  700027:
    "The certificate that signed the assertion is not the one uploaded to the app registration. Upload this certificate, or use the one that is there; subject-name/issuer setups need --send-certificate-chain.",
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
  90038: "The tenant belongs to another national cloud: choose its cloud with --cloud.",
  50196: "Too many identical token requests: cache tokens between calls.",
});

/** The fix for an AADSTS code, with details from the description where useful. */
export function aadstsHint(code: number, _description: string): string | undefined {
  return AADSTS_HINTS[code];
}
