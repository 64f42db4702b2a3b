/**
 * The app certificate credential (`Connect-MgGraph -ClientId -TenantId -Certificate`): each
 * token request carries a fresh client assertion signed with the app's key.
 *
 * @module
 */

import type { AccessToken, GetTokenOptions, TokenCredential } from "./credential.ts";
import type { LoadedCertificate } from "./certificate.ts";
import { type AssertionAlgorithm, createClientAssertion } from "./client_assertion.ts";
import { type AppTokenRequest, requestAccessToken, tokenEndpointFor } from "./token_request.ts";

/** Options for {@link CertificateCredential}. */
export interface CertificateCredentialOptions extends AppTokenRequest {
  /** The loaded certificate. */
  certificate: LoadedCertificate;
  /** PS256 (default) or RS256. */
  algorithm?: AssertionAlgorithm;
  /** Send `x5c`. */
  sendCertificateChain?: boolean;
  /** Where the certificate came from, for messages. */
  source?: string;
}

/** Gets app-only tokens with a certificate client assertion. */
export class CertificateCredential implements TokenCredential {
  readonly kind = "certificate";
  readonly source: string;
  readonly #options: CertificateCredentialOptions;

  constructor(options: CertificateCredentialOptions) {
    this.#options = options;
    this.source = options.source ?? options.certificate.source;
  }

  /** The token endpoint this credential posts to. */
  get tokenEndpoint(): string {
    return tokenEndpointFor(this.#options.authorityUrl, this.#options.tenantId);
  }

  /** Identifies the credential in cache keys: the certificate's SHA-256 thumbprint. */
  get identity(): string {
    return `certificate:${this.#options.certificate.thumbprintSha256}`;
  }

  async getToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    const o = this.#options;
    // A fresh assertion (new jti, full lifetime) for every attempt: never one in its last minute.
    const assertion = async () => ({
      clientAssertion: (await createClientAssertion({
        clientId: o.clientId,
        tokenEndpoint: this.tokenEndpoint,
        certificate: o.certificate,
        ...(o.algorithm ? { algorithm: o.algorithm } : {}),
        ...(o.sendCertificateChain ? { sendCertificateChain: true } : {}),
        ...(o.now ? { now: o.now } : {}),
      })).jwt,
    });
    return await requestAccessToken(o, assertion, {
      signal: options.signal,
      hintContext: {
        certificate: {
          thumbprintSha1: o.certificate.thumbprintSha1,
          thumbprintSha256: o.certificate.thumbprintSha256,
          subject: o.certificate.subject,
          sentChain: o.sendCertificateChain === true,
        },
      },
    });
  }
}
