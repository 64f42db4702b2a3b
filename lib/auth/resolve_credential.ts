/**
 * Resolving the credential, composed as Azure Identity's EnvironmentCredential is: choose a
 * recipe from the options or the environment (credential_recipe.ts, pure), build the credential
 * of that kind (build_credential.ts), and put it behind the token cache. The result says which
 * credential was chosen and from where, never its secret.
 *
 * @module
 */

import type { Cloud } from "../clouds.ts";
import { buildCredential } from "./build_credential.ts";
import type { TokenCredential } from "./credential.ts";
import type { CredentialKind, CredentialOptions } from "./credential_options.ts";
import { chooseRecipe } from "./credential_recipe.ts";
import { CachedCredential, defaultTokenCache, TokenCache } from "./token_cache.ts";

export type { CredentialKind, CredentialOptions, FederatedSource } from "./credential_options.ts";
export { type EnvSource, readEnv } from "./env.ts";
export { resetCallbackIdentities } from "./build_credential.ts";

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
  /** The emulator both hosts default to, when one was given (option or `GRAPHCALL_EMULATOR_URL`). */
  emulatorUrl?: string;
  /** Which kind was chosen. */
  kind: CredentialKind;
  /** e.g. `certificate 1A2B... (CN=app) from file app.pem, PS256; tenant ...`; never the secret. */
  description: string;
}

/** The cache a resolution uses: the given one, a file-backed or clocked one, or the process's. */
function tokenCacheFor(options: CredentialOptions): TokenCache {
  if (options.tokenCache) return options.tokenCache;
  if (!options.tokenCachePath && !options.now) return defaultTokenCache;
  return new TokenCache({
    ...(options.now ? { now: options.now } : {}),
    ...(options.tokenCachePath ? { filePath: options.tokenCachePath } : {}),
  });
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
 * @throws {MissingCredentialError} naming the option key or variable that is missing.
 * @throws {InvalidInputError} naming the option key, file or variable whose content is wrong.
 */
export async function resolveCredential(
  options: CredentialOptions = {},
): Promise<ResolvedCredential> {
  const recipe = chooseRecipe(options);
  const built = await buildCredential(recipe, options);
  const { cloud, authorityUrl, graphUrl, emulatorUrl } = recipe.hosts;
  // A given token is used as is: nothing to cache.
  const credential = recipe.kind === "token" ? built.credential : new CachedCredential(
    built.credential,
    {
      cache: tokenCacheFor(options),
      key: {
        authorityUrl,
        tenantId: built.tenantId,
        clientId: built.clientId,
        scope: cloud.scope,
        identity: built.credential.identity ?? built.credential.kind,
      },
    },
  );
  return {
    credential,
    tenantId: built.tenantId,
    clientId: built.clientId,
    cloud,
    authorityUrl,
    graphUrl,
    ...(emulatorUrl ? { emulatorUrl } : {}),
    kind: recipe.kind,
    description: recipe.kind === "token"
      ? built.description
      : `${built.description}; tenant ${built.tenantId}, app ${built.clientId}, cloud ${cloud.name}`,
  };
}
