/**
 * Choosing the credential: explicit options over environment variables, Azure Identity's names
 * (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_CERTIFICATE_PATH`, ...). The result says
 * which credential was chosen and from where, never its secret.
 *
 * @module
 */

import { type Cloud, getCloud } from "../clouds.ts";
import { InvalidInputError, MissingCredentialError } from "../errors.ts";
import { registerSecret } from "../redact.ts";
import { AccessTokenCredential } from "./access_token_credential.ts";
import { type CertificateSource, loadCertificate } from "./certificate.ts";
import { CertificateCredential } from "./certificate_credential.ts";
import type { AssertionAlgorithm } from "./client_assertion.ts";
import type { TokenCredential } from "./credential.ts";
import {
  type AssertionSource,
  FederatedCredential,
  githubActionsAssertion,
  tokenFileAssertion,
} from "./federated_credential.ts";
import { SecretCredential } from "./secret_credential.ts";
import { CachedCredential, defaultTokenCache, TokenCache } from "./token_cache.ts";
import type { Sleep } from "../sleep.ts";

/** Where a federated token comes from. */
export type FederatedSource = "github" | { tokenFile: string } | (() => Promise<string>);

/** The kinds of credential graphcall takes. */
export type CredentialKind = "secret" | "certificate" | "federated" | "token";

/**
 * Options to resolve a credential. Every field falls back to its environment variable.
 *
 * Choice: an explicit credential option wins over the environment (giving two explicit ones is
 * an error). Among environment variables the order is Azure Identity's EnvironmentCredential
 * (`AZURE_CLIENT_SECRET`, then `AZURE_CLIENT_CERTIFICATE_PATH`), then federated
 * (`AZURE_FEDERATED_TOKEN_FILE`, then GitHub Actions' `ACTIONS_ID_TOKEN_REQUEST_URL` when
 * `GITHUB_ACTIONS=true`), then a given token (`GRAPHCALL_ACCESS_TOKEN`).
 */
export interface CredentialOptions {
  /** Tenant id (GUID) or domain. Env: `AZURE_TENANT_ID`. */
  tenantId?: string;
  /** App (client) id. Env: `AZURE_CLIENT_ID`. */
  clientId?: string;
  /** Client secret value (not its ID). Env: `AZURE_CLIENT_SECRET`. Never a command-line value. */
  clientSecret?: string;
  /** A file holding the client secret; `-` reads standard input. */
  clientSecretFile?: string;
  /**
   * Certificate: a PEM or PFX path (with an optional separate key file), or PEM text.
   * Env: `AZURE_CLIENT_CERTIFICATE_PATH`, `AZURE_CLIENT_CERTIFICATE_PASSWORD`.
   */
  certificate?: { path: string; keyPath?: string; password?: string } | {
    pem: string;
    password?: string;
  };
  /** A file holding the certificate's (or PFX's) password. */
  certificatePasswordFile?: string;
  /**
   * Federated: `"github"` (the job's OIDC token; default in GitHub Actions when no secret or
   * certificate is set), a token file re-read for each exchange (env `AZURE_FEDERATED_TOKEN_FILE`),
   * or a callback returning a fresh token.
   */
  federated?: FederatedSource;
  /** A pre-acquired Graph access token. Env: `GRAPHCALL_ACCESS_TOKEN`. */
  accessToken?: string;
  /** A file holding a pre-acquired access token. */
  accessTokenFile?: string;
  /** Cloud name. Default Global. Env: `GRAPHCALL_CLOUD`. */
  cloud?: string;
  /** Authority host override. Env: `AZURE_AUTHORITY_HOST`. */
  authorityUrl?: string;
  /** Graph host override. */
  graphUrl?: string;
  /** PS256 (default) or RS256. */
  assertionAlgorithm?: AssertionAlgorithm;
  /** Send `x5c`. Env: `AZURE_CLIENT_SEND_CERTIFICATE_CHAIN` (`true` or `1`). */
  sendCertificateChain?: boolean;
  /** Keep access tokens in this file between runs (mode 0600; tokens and expiry only). */
  tokenCachePath?: string;
  /** The token cache to use; the process-wide one by default. */
  tokenCache?: TokenCache;
  /** Called with every secret value auth obtains (besides `registerSecret`). */
  onSecret?: (value: string) => void;
  /** Environment to read from; default `Deno.env`. Tests pass a plain object or a function. */
  env?: EnvSource;
  /** Standard input, for `clientSecretFile: "-"`; default `Deno.stdin`. */
  stdin?: ReadableStream<Uint8Array>;
  /** Injectable fetch. */
  fetch?: typeof fetch;
  /** Injectable clock, ms. */
  now?: () => number;
  /** Injectable sleep between token-request retries, ms. */
  sleep?: Sleep;
}

/** A resolved credential and the context it works in. */
export interface ResolvedCredential {
  /** The credential, behind the token cache. */
  credential: TokenCredential;
  /** Tenant id or domain. */
  tenantId: string;
  /** App (client) id. */
  clientId: string;
  /** The cloud. */
  cloud: Cloud;
  /** Authority host. */
  authorityUrl: string;
  /** Graph host. */
  graphUrl: string;
  /** Which kind was chosen. */
  kind: CredentialKind;
  /** e.g. `certificate 1A2B... from --certificate app.pem`; never the secret. */
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

async function readSecretFile(
  path: string,
  field: string,
  stdin?: ReadableStream<Uint8Array>,
): Promise<string> {
  let text: string;
  try {
    text = path === "-"
      ? await new Response(stdin ?? Deno.stdin.readable).text()
      : await Deno.readTextFile(path);
  } catch (e) {
    throw new InvalidInputError(
      field,
      `${path === "-" ? "standard input" : path}: ${
        e instanceof Deno.errors.NotFound ? "file not found" : "could not be read"
      }`,
    );
  }
  // One trailing newline (from `echo` or an editor) is not part of the secret.
  const value = text.replace(/\r?\n$/, "");
  if (!value.trim()) {
    throw new InvalidInputError(field, `${path === "-" ? "standard input" : path} is empty`);
  }
  registerSecret(value);
  return value;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|1)$/i.test(value.trim());
}

type Choice =
  | { kind: "secret"; secret: () => Promise<string>; from: string }
  | { kind: "certificate"; source: CertificateSource; from: string }
  | { kind: "federated"; source: FederatedSource; from: string }
  | { kind: "token"; token: () => Promise<string>; from: string; field: string };

function explicitChoices(o: CredentialOptions): Choice[] {
  const out: Choice[] = [];
  if (o.clientSecret !== undefined) {
    const v = o.clientSecret;
    out.push({ kind: "secret", secret: () => Promise.resolve(v), from: "the clientSecret option" });
  }
  if (o.clientSecretFile !== undefined) {
    const f = o.clientSecretFile;
    out.push({
      kind: "secret",
      secret: () => readSecretFile(f, "--client-secret-file", o.stdin),
      from: f === "-" ? "standard input (--client-secret-file -)" : `--client-secret-file ${f}`,
    });
  }
  if (o.certificate) {
    const c = o.certificate;
    out.push({
      kind: "certificate",
      source: c,
      from: "path" in c
        ? `--certificate ${c.path}${c.keyPath ? ` --key ${c.keyPath}` : ""}`
        : "inline PEM",
    });
  }
  if (o.federated !== undefined) {
    const f = o.federated;
    out.push({
      kind: "federated",
      source: f,
      from: f === "github"
        ? "GitHub Actions OIDC (--federated github)"
        : typeof f === "function"
        ? "a token callback"
        : `token file ${f.tokenFile} (--federated file:)`,
    });
  }
  if (o.accessToken !== undefined) {
    const t = o.accessToken;
    out.push({
      kind: "token",
      token: () => Promise.resolve(t),
      from: "the accessToken option",
      field: "accessToken",
    });
  }
  if (o.accessTokenFile !== undefined) {
    const f = o.accessTokenFile;
    out.push({
      kind: "token",
      token: () => readSecretFile(f, "--access-token-file", o.stdin),
      from: `--access-token-file ${f}`,
      field: "--access-token-file",
    });
  }
  return out;
}

function environmentChoice(env: EnvSource | undefined): Choice | undefined {
  const secret = readEnv("AZURE_CLIENT_SECRET", env);
  if (secret) {
    return { kind: "secret", secret: () => Promise.resolve(secret), from: "AZURE_CLIENT_SECRET" };
  }
  const path = readEnv("AZURE_CLIENT_CERTIFICATE_PATH", env);
  if (path) return { kind: "certificate", source: { path }, from: "AZURE_CLIENT_CERTIFICATE_PATH" };
  const tokenFile = readEnv("AZURE_FEDERATED_TOKEN_FILE", env);
  if (tokenFile) {
    return {
      kind: "federated",
      source: { tokenFile },
      from: `token file ${tokenFile} (AZURE_FEDERATED_TOKEN_FILE)`,
    };
  }
  if (
    isTrue(readEnv("GITHUB_ACTIONS", env)) && readEnv("ACTIONS_ID_TOKEN_REQUEST_URL", env)
  ) {
    return {
      kind: "federated",
      source: "github",
      from: "GitHub Actions OIDC (ACTIONS_ID_TOKEN_REQUEST_URL)",
    };
  }
  const token = readEnv("GRAPHCALL_ACCESS_TOKEN", env);
  if (token) {
    return {
      kind: "token",
      token: () => Promise.resolve(token),
      from: "GRAPHCALL_ACCESS_TOKEN",
      field: "GRAPHCALL_ACCESS_TOKEN",
    };
  }
  return undefined;
}

let callbackIds = new WeakMap<object, number>();
let nextCallbackId = 1;

function callbackIdentity(f: object): string {
  let id = callbackIds.get(f);
  if (id === undefined) callbackIds.set(f, id = nextCallbackId++);
  return `callback:${id}`;
}

/** Test hook: forget callback identities. */
export function resetCallbackIdentities(): void {
  callbackIds = new WeakMap();
}

/**
 * Resolves a credential from options, then the environment, and puts it behind the token cache.
 *
 * @example Resolve from the environment, as Azure Identity's EnvironmentCredential does
 * ```ts ignore
 * import { resolveCredential } from "./resolve_credential.ts";
 * const resolved = await resolveCredential();
 * console.error(`credential: ${resolved.description}`);
 * const { token } = await resolved.credential.getToken();
 * ```
 *
 * @throws {MissingCredentialError} naming the flag or variable that is missing.
 * @throws {InvalidInputError} naming the file or variable whose content is wrong.
 */
export async function resolveCredential(
  options: CredentialOptions = {},
): Promise<ResolvedCredential> {
  const env = options.env;
  const cloud = getCloud(options.cloud ?? readEnv("GRAPHCALL_CLOUD", env) ?? "Global");
  const authorityUrl = (options.authorityUrl ?? readEnv("AZURE_AUTHORITY_HOST", env) ??
    cloud.authorityUrl).replace(/\/+$/, "");
  const graphUrl = (options.graphUrl ?? cloud.graphUrl).replace(/\/+$/, "");
  const onSecret = (value: string) => {
    registerSecret(value);
    options.onSecret?.(value);
  };

  const explicit = explicitChoices(options);
  if (explicit.length > 1) {
    throw new InvalidInputError(
      "credential",
      `more than one credential was given (${
        explicit.map((c) => c.from).join("; ")
      }): give only one`,
    );
  }
  const choice = explicit[0] ?? environmentChoice(env);

  let tenantId = options.tenantId ?? readEnv("AZURE_TENANT_ID", env);
  let clientId = options.clientId ?? readEnv("AZURE_CLIENT_ID", env);

  // A given token carries its own tenant and app; nothing else is needed.
  if (choice?.kind === "token") {
    const token = await choice.token();
    onSecret(token.trim());
    const credential = await AccessTokenCredential.create({
      token,
      source: choice.from,
      field: choice.field,
      graphAudience: cloud.graphUrl,
      ...(tenantId ? { tenantId } : {}),
      ...(clientId ? { clientId } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    tenantId ??= credential.claims.tid;
    clientId ??= credential.claims.appid;
    return {
      credential,
      tenantId: tenantId ?? "",
      clientId: clientId ?? "",
      cloud,
      authorityUrl,
      graphUrl,
      kind: "token",
      description: `access token from ${choice.from} (app ${clientId ?? "?"}, tenant ${
        tenantId ?? "?"
      }, expires ${new Date((credential.claims.exp ?? 0) * 1000).toISOString()})`,
    };
  }

  if (!tenantId) {
    throw new MissingCredentialError(
      "tenant",
      "no tenant: pass --tenant or set AZURE_TENANT_ID",
    );
  }
  if (!clientId) {
    throw new MissingCredentialError(
      "client-id",
      "no client id: pass --client-id or set AZURE_CLIENT_ID",
    );
  }
  if (!choice) {
    throw new MissingCredentialError(
      "credential",
      "no credential: pass --certificate FILE, --client-secret-file FILE, --federated " +
        "github|file:PATH or --access-token-file FILE, or set AZURE_CLIENT_CERTIFICATE_PATH, " +
        "AZURE_CLIENT_SECRET, AZURE_FEDERATED_TOKEN_FILE or GRAPHCALL_ACCESS_TOKEN",
    );
  } // The scope names the cloud's Graph even when --graph-url points elsewhere (an emulator or a
  // proxy): the token's audience is the cloud, the host is only where requests go.
  const scope = cloud.scope;
  const common = {
    tenantId,
    clientId,
    authorityUrl,
    scope,
    onSecret,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  };

  let inner: TokenCredential;
  let description: string;
  if (choice.kind === "secret") {
    const secret = await choice.secret();
    onSecret(secret);
    inner = await SecretCredential.create({ ...common, clientSecret: secret, source: choice.from });
    description = `client secret from ${choice.from}`;
  } else if (choice.kind === "certificate") {
    let password = choice.source.password;
    if (options.certificatePasswordFile !== undefined) {
      password = await readSecretFile(
        options.certificatePasswordFile,
        "--certificate-password-file",
        options.stdin,
      );
    }
    password ??= readEnv("AZURE_CLIENT_CERTIFICATE_PASSWORD", env);
    if (password !== undefined) onSecret(password);
    const certificate = await loadCertificate(
      { ...choice.source, ...(password !== undefined ? { password } : {}) },
      {
        ...(options.now ? { now: options.now } : {}),
        field: choice.from === "AZURE_CLIENT_CERTIFICATE_PATH"
          ? "AZURE_CLIENT_CERTIFICATE_PATH"
          : "certificate",
      },
    );
    const sendChainEnv = readEnv("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN", env);
    const sendCertificateChain = options.sendCertificateChain ?? isTrue(sendChainEnv);
    const algorithm = options.assertionAlgorithm ?? "PS256";
    inner = new CertificateCredential({
      ...common,
      certificate,
      algorithm,
      sendCertificateChain,
      source: choice.from,
    });
    description = `certificate ${certificate.thumbprintSha1} (${certificate.subject}) from ${
      choice.from === "AZURE_CLIENT_CERTIFICATE_PATH"
        ? `AZURE_CLIENT_CERTIFICATE_PATH (${certificate.source})`
        : choice.from
    }, ${algorithm}${sendCertificateChain ? " with x5c chain" : ""}`;
  } else {
    const src = choice.source;
    let getAssertion: AssertionSource;
    let identity: string;
    if (src === "github") {
      const requestUrl = readEnv("ACTIONS_ID_TOKEN_REQUEST_URL", env);
      const requestToken = readEnv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", env);
      if (!requestUrl || !requestToken) {
        throw new MissingCredentialError(
          "federated",
          `GitHub Actions federated login needs ACTIONS_ID_TOKEN_REQUEST_URL and ` +
            `ACTIONS_ID_TOKEN_REQUEST_TOKEN (missing: ${
              [!requestUrl && "URL", !requestToken && "TOKEN"].filter(Boolean).join(", ")
            }); give the job \`permissions: id-token: write\``,
        );
      }
      onSecret(requestToken);
      getAssertion = githubActionsAssertion({
        requestUrl,
        requestToken,
        audience: cloud.federatedAudience,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      let host = requestUrl;
      try {
        host = new URL(requestUrl).host;
      } catch { /* checked when used */ }
      identity = `github:${host}`;
    } else if (typeof src === "function") {
      getAssertion = src;
      identity = callbackIdentity(src);
    } else {
      getAssertion = tokenFileAssertion(
        src.tokenFile,
        choice.from.includes("AZURE_FEDERATED_TOKEN_FILE")
          ? "AZURE_FEDERATED_TOKEN_FILE"
          : "--federated",
      );
      identity = `file:${src.tokenFile}`;
    }
    inner = new FederatedCredential({
      ...common,
      getAssertion,
      source: choice.from,
      identity,
    });
    description = `federated token from ${choice.from}${
      src === "github" ? `, audience ${cloud.federatedAudience}` : ""
    }`;
  }

  const cache = options.tokenCache ??
    (options.tokenCachePath || options.now
      ? new TokenCache({
        ...(options.now ? { now: options.now } : {}),
        ...(options.tokenCachePath ? { filePath: options.tokenCachePath } : {}),
      })
      : defaultTokenCache);
  return {
    credential: new CachedCredential(inner, {
      cache,
      key: { authorityUrl, tenantId, clientId, scope, identity: inner.identity ?? inner.kind },
    }),
    tenantId,
    clientId,
    cloud,
    authorityUrl,
    graphUrl,
    kind: choice.kind,
    description: `${description}; tenant ${tenantId}, app ${clientId}, cloud ${cloud.name}`,
  };
}
