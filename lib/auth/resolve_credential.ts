/**
 * Choosing the credential: explicit options over environment variables, Azure Identity's names
 * (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_CERTIFICATE_PATH`, ...). The result says
 * which credential was chosen and from where, never its secret.
 *
 * @module
 */

import { type Cloud, getCloud } from "../clouds.ts";
import { MissingCredentialError } from "../errors.ts";
import { loadCertificate } from "./certificate.ts";
import { CertificateCredential } from "./certificate_credential.ts";
import type { AssertionAlgorithm } from "./client_assertion.ts";
import type { TokenCredential } from "./credential.ts";
import { CachedCredential } from "./token_cache.ts";

/** Options to resolve a credential. Every field falls back to its environment variable. */
export interface CredentialOptions {
  /** Tenant id or domain. Env: `AZURE_TENANT_ID`. */
  tenantId?: string;
  /** App (client) id. Env: `AZURE_CLIENT_ID`. */
  clientId?: string;
  /** Certificate: a PEM path, or PEM text. Env: `AZURE_CLIENT_CERTIFICATE_PATH`. */
  certificate?: { path: string; keyPath?: string; password?: string } | {
    pem: string;
    password?: string;
  };
  /** Cloud name. Default Global. */
  cloud?: string;
  /** Authority host override. Env: `AZURE_AUTHORITY_HOST`. */
  authorityUrl?: string;
  /** Graph host override. */
  graphUrl?: string;
  /** PS256 (default) or RS256. */
  assertionAlgorithm?: AssertionAlgorithm;
  /** Send `x5c`. Env: `AZURE_CLIENT_SEND_CERTIFICATE_CHAIN`. */
  sendCertificateChain?: boolean;
  /** Environment to read from; default `Deno.env`. Tests pass a plain object or a function. */
  env?: EnvSource;
  /** Injectable fetch. */
  fetch?: typeof fetch;
  /** Injectable clock, ms. */
  now?: () => number;
}

/** A resolved credential and the context it works in. */
export interface ResolvedCredential {
  credential: TokenCredential;
  tenantId: string;
  clientId: string;
  cloud: Cloud;
  authorityUrl: string;
  graphUrl: string;
  /** e.g. `certificate from --certificate app.pem`. */
  description: string;
}

/** An environment: a plain object or a lookup function. */
export type EnvSource =
  | Record<string, string | undefined>
  | ((name: string) => string | undefined);

/** Reads an environment variable without throwing when env access is not granted. */
export function readEnv(name: string, env?: EnvSource): string | undefined {
  if (typeof env === "function") return env(name) || undefined;
  if (env) return env[name] || undefined;
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resolves a credential from options, then the environment.
 *
 * @throws {MissingCredentialError} naming the flag or variable that is missing.
 */
export async function resolveCredential(
  options: CredentialOptions = {},
): Promise<ResolvedCredential> {
  const env = options.env;
  const cloud = getCloud(options.cloud ?? readEnv("GRAPHCALL_CLOUD", env) ?? "Global");
  const tenantId = options.tenantId ?? readEnv("AZURE_TENANT_ID", env);
  if (!tenantId) {
    throw new MissingCredentialError(
      "tenant",
      "no tenant: pass --tenant or set AZURE_TENANT_ID",
    );
  }
  const clientId = options.clientId ?? readEnv("AZURE_CLIENT_ID", env);
  if (!clientId) {
    throw new MissingCredentialError(
      "client-id",
      "no client id: pass --client-id or set AZURE_CLIENT_ID",
    );
  }
  const authorityUrl = (options.authorityUrl ?? readEnv("AZURE_AUTHORITY_HOST", env) ??
    cloud.authorityUrl).replace(/\/+$/, "");
  const graphUrl = (options.graphUrl ?? cloud.graphUrl).replace(/\/+$/, "");

  let certSource = options.certificate;
  let from = "option";
  if (!certSource) {
    const path = readEnv("AZURE_CLIENT_CERTIFICATE_PATH", env);
    if (path) {
      const password = readEnv("AZURE_CLIENT_CERTIFICATE_PASSWORD", env);
      certSource = { path, ...(password !== undefined ? { password } : {}) };
      from = "AZURE_CLIENT_CERTIFICATE_PATH";
    }
  }
  if (!certSource) {
    throw new MissingCredentialError(
      "certificate",
      "no credential: pass --certificate FILE.pem or set AZURE_CLIENT_CERTIFICATE_PATH",
    );
  }
  const certificate = await loadCertificate(certSource, options.now ? { now: options.now } : {});
  const sendChainEnv = readEnv("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN", env);
  const sendCertificateChain = options.sendCertificateChain ??
    (sendChainEnv !== undefined && /^(true|1)$/i.test(sendChainEnv));
  const inner = new CertificateCredential({
    tenantId,
    clientId,
    certificate,
    authorityUrl,
    // The scope names the cloud's Graph even when --graph-url points elsewhere (an emulator or
    // a proxy): the token's audience is the cloud, the host is only where requests go.
    scope: cloud.scope,
    ...(options.assertionAlgorithm ? { algorithm: options.assertionAlgorithm } : {}),
    sendCertificateChain,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    credential: new CachedCredential(inner, options.now ? { now: options.now } : {}),
    tenantId,
    clientId,
    cloud,
    authorityUrl,
    graphUrl,
    description: `certificate ${certificate.thumbprintSha1} from ${
      from === "option" ? certificate.source : `${from} (${certificate.source})`
    }`,
  };
}
