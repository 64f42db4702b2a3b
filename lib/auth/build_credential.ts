/**
 * Building the credential a recipe describes: reading its files (secret, password, certificate,
 * token), checking them, and making one credential of its kind. Each kind's module is loaded
 * when a credential of that kind is built, so a process (or `import "mod.ts"`) loads only the one
 * it uses. The token cache is not applied here (resolve_credential.ts wraps the result).
 *
 * @module
 */

import type { TokenCredential } from "./credential.ts";
import type {
  CertificateRecipe,
  CredentialRecipe,
  FederatedRecipe,
  SecretRecipe,
  TokenRecipe,
} from "./credential_recipe.ts";
import type { AssertionSource } from "./federated_credential.ts";
import { readSecretFile } from "./secret_file.ts";
import { registerSecret } from "../redact.ts";
import type { Sleep } from "../sleep.ts";

/** What building needs besides the recipe: injectables and the secret listener. */
export interface BuildDeps {
  /** Called with every secret value obtained (after `registerSecret`). */
  onSecret?: (value: string) => void;
  /** Standard input, for a secret file `-`. */
  stdin?: ReadableStream<Uint8Array>;
  /** Injectable fetch. */
  fetch?: typeof fetch;
  /** Injectable clock, ms. */
  now?: () => number;
  /** Injectable sleep between token-request retries, ms. */
  sleep?: Sleep;
  /** Bounds each token acquisition as a whole, ms. */
  tokenTimeoutMs?: number;
}

/** A built credential, before the cache, and what is known about it. */
export interface BuiltCredential {
  /** The credential. */
  credential: TokenCredential;
  /** Tenant id or domain (for a given token: from its `tid` when not given). */
  tenantId: string;
  /** App (client) id (for a given token: from its `appid` when not given). */
  clientId: string;
  /** e.g. `certificate 1A2B... (CN=app) from file app.pem, PS256`; never the secret. */
  description: string;
}

function secretHook(deps: BuildDeps): (value: string) => void {
  return (value) => {
    registerSecret(value);
    deps.onSecret?.(value);
  };
}

/** The options every app credential shares. */
function common(recipe: Exclude<CredentialRecipe, TokenRecipe>, deps: BuildDeps) {
  return {
    tenantId: recipe.tenantId,
    clientId: recipe.clientId,
    authorityUrl: recipe.hosts.authorityUrl,
    // The scope names the cloud's Graph even when the Graph host points elsewhere (an emulator
    // or a proxy): the token's audience is the cloud, the host is only where requests go.
    scope: recipe.hosts.cloud.scope,
    onSecret: secretHook(deps),
    source: recipe.from,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.tokenTimeoutMs !== undefined ? { acquisitionTimeoutMs: deps.tokenTimeoutMs } : {}),
  };
}

async function buildSecret(recipe: SecretRecipe, deps: BuildDeps): Promise<BuiltCredential> {
  const secret = "value" in recipe.secret
    ? recipe.secret.value
    : await readSecretFile(recipe.secret.file, recipe.field, deps.stdin);
  secretHook(deps)(secret);
  return {
    credential: await (await import("./secret_credential.ts")).SecretCredential.create({
      ...common(recipe, deps),
      clientSecret: secret,
    }),
    tenantId: recipe.tenantId,
    clientId: recipe.clientId,
    description: `client secret from ${recipe.from}`,
  };
}

async function buildCertificate(
  recipe: CertificateRecipe,
  deps: BuildDeps,
): Promise<BuiltCredential> {
  const password = recipe.passwordFile !== undefined
    ? await readSecretFile(recipe.passwordFile, "certificatePasswordFile", deps.stdin)
    : recipe.password;
  if (password !== undefined) secretHook(deps)(password);
  const [{ loadCertificate }, { CertificateCredential }] = await Promise.all([
    import("./certificate.ts"),
    import("./certificate_credential.ts"),
  ]);
  const certificate = await loadCertificate(
    { ...recipe.source, ...(password !== undefined ? { password } : {}) },
    { ...(deps.now ? { now: deps.now } : {}), field: recipe.field },
  );
  const from = recipe.from === "AZURE_CLIENT_CERTIFICATE_PATH"
    ? `AZURE_CLIENT_CERTIFICATE_PATH (${certificate.source})`
    : recipe.from;
  return {
    credential: new CertificateCredential({
      ...common(recipe, deps),
      certificate,
      algorithm: recipe.algorithm,
      sendCertificateChain: recipe.sendCertificateChain,
    }),
    tenantId: recipe.tenantId,
    clientId: recipe.clientId,
    description:
      `certificate ${certificate.thumbprintSha1} (${certificate.subject}) from ${from}, ${recipe.algorithm}${
        recipe.sendCertificateChain ? " with x5c chain" : ""
      }`,
  };
}

let callbackIds = new WeakMap<object, number>();
let nextCallbackId = 1;

/** A stable cache identity for a token callback (the same function, the same cached token). */
function callbackIdentity(f: object): string {
  let id = callbackIds.get(f);
  if (id === undefined) callbackIds.set(f, id = nextCallbackId++);
  return `callback:${id}`;
}

/** Test hook: forget callback identities. */
export function resetCallbackIdentities(): void {
  callbackIds = new WeakMap();
}

async function buildFederated(recipe: FederatedRecipe, deps: BuildDeps): Promise<BuiltCredential> {
  const { FederatedCredential, githubActionsAssertion, tokenFileAssertion } = await import(
    "./federated_credential.ts"
  );
  const src = recipe.source;
  const cloud = recipe.hosts.cloud;
  let getAssertion: AssertionSource;
  let identity: string;
  if ("github" in src) {
    secretHook(deps)(src.github.requestToken);
    getAssertion = githubActionsAssertion({
      ...src.github,
      audience: cloud.federatedAudience,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.tokenTimeoutMs !== undefined ? { timeoutMs: deps.tokenTimeoutMs } : {}),
    });
    let host = src.github.requestUrl;
    try {
      host = new URL(host).host;
    } catch { /* checked when used */ }
    identity = `github:${host}`;
  } else if ("callback" in src) {
    getAssertion = src.callback;
    identity = callbackIdentity(src.callback);
  } else {
    getAssertion = tokenFileAssertion(src.tokenFile, recipe.field);
    identity = `file:${src.tokenFile}`;
  }
  return {
    credential: new FederatedCredential({ ...common(recipe, deps), getAssertion, identity }),
    tenantId: recipe.tenantId,
    clientId: recipe.clientId,
    description: `federated token from ${recipe.from}${
      "github" in src ? `, audience ${cloud.federatedAudience}` : ""
    }`,
  };
}

async function buildToken(recipe: TokenRecipe, deps: BuildDeps): Promise<BuiltCredential> {
  const token = "value" in recipe.token
    ? recipe.token.value
    : await readSecretFile(recipe.token.file, recipe.field, deps.stdin);
  secretHook(deps)(token.trim());
  const { AccessTokenCredential } = await import("./access_token_credential.ts");
  const credential = await AccessTokenCredential.create({
    token,
    source: recipe.from,
    field: recipe.field,
    graphAudience: recipe.hosts.cloud.graphUrl,
    ...(recipe.tenantId ? { tenantId: recipe.tenantId } : {}),
    ...(recipe.clientId ? { clientId: recipe.clientId } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
  const tenantId = recipe.tenantId ?? credential.claims.tid;
  const clientId = recipe.clientId ?? credential.claims.appid;
  return {
    credential,
    tenantId: tenantId ?? "",
    clientId: clientId ?? "",
    description: `access token from ${recipe.from} (app ${clientId ?? "?"}, tenant ${
      tenantId ?? "?"
    }, expires ${new Date((credential.claims.exp ?? 0) * 1000).toISOString()})`,
  };
}

/**
 * Builds the credential a recipe describes. Reads the files it names (and standard input for
 * `-`); sends nothing (the first token is fetched on first use).
 *
 * @throws {InvalidInputError} naming the recipe's option or variable when a file is missing,
 * empty or unusable, or a given token fails its checks.
 */
export async function buildCredential(
  recipe: CredentialRecipe,
  deps: BuildDeps = {},
): Promise<BuiltCredential> {
  switch (recipe.kind) {
    case "secret":
      return await buildSecret(recipe, deps);
    case "certificate":
      return await buildCertificate(recipe, deps);
    case "federated":
      return await buildFederated(recipe, deps);
    case "token":
      return await buildToken(recipe, deps);
  }
}
