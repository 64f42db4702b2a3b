/**
 * Choosing a credential, the way Azure Identity's EnvironmentCredential does, as a pure step: from
 * the options, then the environment, decide which kind of credential to build, where it comes
 * from and with which inputs. Nothing is read from files and nothing is sent here; building the
 * credential is the next step (build_credential.ts).
 *
 * @module
 */

import { InvalidInputError, MissingCredentialError } from "../errors.ts";
import type { AssertionAlgorithm } from "./client_assertion.ts";
import type { CredentialKind, CredentialOptions } from "./credential_options.ts";
import { isTrue, readEnv } from "./env.ts";
import { type Hosts, resolveHosts } from "./hosts.ts";

/** What every recipe says: the hosts, where the credential came from, and which field to blame. */
interface RecipeBase {
  /** The kind of credential to build. */
  kind: CredentialKind;
  /** The cloud and the hosts. */
  hosts: Hosts;
  /** Where the credential came from, for the description (a file, a variable); never a secret. */
  from: string;
  /** The option key or environment variable that errors about its inputs name. */
  field: string;
}

/** A recipe for an app credential: it needs the tenant and the app. */
interface AppRecipeBase extends RecipeBase {
  /** Tenant id or domain. */
  tenantId: string;
  /** App (client) id. */
  clientId: string;
}

/** A client secret, given as a value or in a file (`-` for standard input). */
export interface SecretRecipe extends AppRecipeBase {
  /** The kind. */
  kind: "secret";
  /** The secret, or the file that holds it. */
  secret: { value: string } | { file: string };
}

/** A certificate and its key, from files or PEM text. */
export interface CertificateRecipe extends AppRecipeBase {
  /** The kind. */
  kind: "certificate";
  /** The certificate files or text. */
  source: { path: string; keyPath?: string } | { pem: string };
  /** The key's or PFX's password, from the option or `AZURE_CLIENT_CERTIFICATE_PASSWORD`. */
  password?: string;
  /** A file holding the password; it wins over `password`. */
  passwordFile?: string;
  /** The client assertion's algorithm. */
  algorithm: AssertionAlgorithm;
  /** Send the chain (`x5c`). */
  sendCertificateChain: boolean;
}

/** A federated token: from GitHub Actions, a file, or a callback. */
export interface FederatedRecipe extends AppRecipeBase {
  /** The kind. */
  kind: "federated";
  /** Where each fresh external token comes from. */
  source:
    | { github: { requestUrl: string; requestToken: string } }
    | { tokenFile: string }
    | { callback: () => Promise<string> };
}

/** An access token acquired elsewhere; it carries its own tenant and app. */
export interface TokenRecipe extends RecipeBase {
  /** The kind. */
  kind: "token";
  /** The expected tenant, when given. */
  tenantId?: string;
  /** The expected app, when given. */
  clientId?: string;
  /** The token, or the file that holds it. */
  token: { value: string } | { file: string };
}

/** Which credential to build, from where, with which inputs. */
export type CredentialRecipe = SecretRecipe | CertificateRecipe | FederatedRecipe | TokenRecipe;

/** A choice before the tenant and app are attached. */
type Choice =
  | Omit<SecretRecipe, "hosts" | "tenantId" | "clientId">
  | Omit<CertificateRecipe, "hosts" | "tenantId" | "clientId">
  | Omit<FederatedRecipe, "hosts" | "tenantId" | "clientId">
  | Omit<TokenRecipe, "hosts" | "tenantId" | "clientId">;

/** The credential options, in the order they are listed in errors. */
const CREDENTIAL_OPTIONS = [
  "clientSecret",
  "clientSecretFile",
  "certificate",
  "federated",
  "accessToken",
  "accessTokenFile",
] as const;

/** Joins option keys as prose: `a`, `a and b`, `a, b and c`. */
function listed(keys: readonly string[]): string {
  return keys.length <= 1
    ? keys.join("")
    : `${keys.slice(0, -1).join(", ")} and ${keys[keys.length - 1]}`;
}

function certificateChoice(
  o: CredentialOptions,
  source: CertificateRecipe["source"],
  password: string | undefined,
  from: string,
  field: string,
): Choice {
  const envPassword = readEnv("AZURE_CLIENT_CERTIFICATE_PASSWORD", o.env);
  const chosenPassword = password ?? envPassword;
  return {
    kind: "certificate",
    source,
    ...(chosenPassword !== undefined ? { password: chosenPassword } : {}),
    ...(o.certificatePasswordFile !== undefined ? { passwordFile: o.certificatePasswordFile } : {}),
    algorithm: o.assertionAlgorithm ?? "PS256",
    sendCertificateChain: o.sendCertificateChain ??
      isTrue(readEnv("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN", o.env)),
    from,
    field,
  };
}

function githubSource(o: CredentialOptions): FederatedRecipe["source"] {
  const requestUrl = readEnv("ACTIONS_ID_TOKEN_REQUEST_URL", o.env);
  const requestToken = readEnv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", o.env);
  if (!requestUrl || !requestToken) {
    throw new MissingCredentialError(
      "federated",
      `GitHub Actions federated login needs ACTIONS_ID_TOKEN_REQUEST_URL and ` +
        `ACTIONS_ID_TOKEN_REQUEST_TOKEN (missing: ${
          [!requestUrl && "URL", !requestToken && "TOKEN"].filter(Boolean).join(", ")
        }); give the job \`permissions: id-token: write\``,
    );
  }
  return { github: { requestUrl, requestToken } };
}

/** The choice one explicit credential option makes. */
function explicitChoice(o: CredentialOptions, key: typeof CREDENTIAL_OPTIONS[number]): Choice {
  switch (key) {
    case "clientSecret":
      return {
        kind: "secret",
        secret: { value: o.clientSecret! },
        from: "the clientSecret option",
        field: "clientSecret",
      };
    case "clientSecretFile": {
      const file = o.clientSecretFile!;
      return {
        kind: "secret",
        secret: { file },
        from: file === "-" ? "standard input" : `file ${file}`,
        field: "clientSecretFile",
      };
    }
    case "certificate": {
      const c = o.certificate!;
      if ("pem" in c) {
        return certificateChoice(o, { pem: c.pem }, c.password, "inline PEM", "certificate");
      }
      return certificateChoice(
        o,
        { path: c.path, ...(c.keyPath !== undefined ? { keyPath: c.keyPath } : {}) },
        c.password,
        c.keyPath ? `files ${c.path} and ${c.keyPath}` : `file ${c.path}`,
        "certificate",
      );
    }
    case "federated": {
      const f = o.federated!;
      if (f === "github") {
        return {
          kind: "federated",
          source: githubSource(o),
          from: "GitHub Actions OIDC",
          field: "federated",
        };
      }
      if (typeof f === "function") {
        return {
          kind: "federated",
          source: { callback: f },
          from: "a token callback",
          field: "federated",
        };
      }
      return {
        kind: "federated",
        source: { tokenFile: f.tokenFile },
        from: `token file ${f.tokenFile}`,
        field: "federated",
      };
    }
    case "accessToken":
      return {
        kind: "token",
        token: { value: o.accessToken! },
        from: "the accessToken option",
        field: "accessToken",
      };
    case "accessTokenFile":
      return {
        kind: "token",
        token: { file: o.accessTokenFile! },
        from: `file ${o.accessTokenFile}`,
        field: "accessTokenFile",
      };
  }
}

/** The choice the environment makes, in Azure Identity's order; undefined when none. */
function environmentChoice(o: CredentialOptions): Choice | undefined {
  const env = o.env;
  const secret = readEnv("AZURE_CLIENT_SECRET", env);
  if (secret) {
    return {
      kind: "secret",
      secret: { value: secret },
      from: "AZURE_CLIENT_SECRET",
      field: "AZURE_CLIENT_SECRET",
    };
  }
  const path = readEnv("AZURE_CLIENT_CERTIFICATE_PATH", env);
  if (path) {
    return certificateChoice(
      o,
      { path },
      undefined,
      "AZURE_CLIENT_CERTIFICATE_PATH",
      "AZURE_CLIENT_CERTIFICATE_PATH",
    );
  }
  const tokenFile = readEnv("AZURE_FEDERATED_TOKEN_FILE", env);
  if (tokenFile) {
    return {
      kind: "federated",
      source: { tokenFile },
      from: `token file ${tokenFile} (AZURE_FEDERATED_TOKEN_FILE)`,
      field: "AZURE_FEDERATED_TOKEN_FILE",
    };
  }
  if (isTrue(readEnv("GITHUB_ACTIONS", env)) && readEnv("ACTIONS_ID_TOKEN_REQUEST_URL", env)) {
    return {
      kind: "federated",
      source: githubSource(o),
      from: "GitHub Actions OIDC (ACTIONS_ID_TOKEN_REQUEST_URL)",
      field: "ACTIONS_ID_TOKEN_REQUEST_URL",
    };
  }
  const token = readEnv("GRAPHCALL_ACCESS_TOKEN", env);
  if (token) {
    return {
      kind: "token",
      token: { value: token },
      from: "GRAPHCALL_ACCESS_TOKEN",
      field: "GRAPHCALL_ACCESS_TOKEN",
    };
  }
  return undefined;
}

/**
 * Chooses the credential recipe: one explicit credential option, else the environment in Azure
 * Identity's order (`AZURE_CLIENT_SECRET`, `AZURE_CLIENT_CERTIFICATE_PATH`), then federated
 * (`AZURE_FEDERATED_TOKEN_FILE`, then GitHub Actions when `GITHUB_ACTIONS=true`), then
 * `GRAPHCALL_ACCESS_TOKEN`. Pure: reads the options and the environment only.
 *
 * @example See which credential the environment would give, without reading any file
 * ```ts
 * import { chooseRecipe } from "./credential_recipe.ts";
 * const recipe = chooseRecipe({
 *   env: {
 *     AZURE_TENANT_ID: "contoso.onmicrosoft.com",
 *     AZURE_CLIENT_ID: "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
 *     AZURE_CLIENT_CERTIFICATE_PATH: "app.pem",
 *   },
 * });
 * console.log(recipe.kind, recipe.from); // certificate AZURE_CLIENT_CERTIFICATE_PATH
 * ```
 *
 * @throws {InvalidInputError} when more than one credential option is given, or a host or
 * cloud is refused.
 * @throws {MissingCredentialError} naming the option keys and variables that would supply what
 * is missing (tenant, app, credential, GitHub's request variables).
 */
export function chooseRecipe(options: CredentialOptions = {}): CredentialRecipe {
  const hosts = resolveHosts(options);
  const given = CREDENTIAL_OPTIONS.filter((key) => options[key] !== undefined);
  if (given.length > 1) {
    throw new InvalidInputError(
      "credential",
      `more than one credential was given (the ${listed(given)} options): give only one`,
    );
  }
  const choice = given.length === 1
    ? explicitChoice(options, given[0]!)
    : environmentChoice(options);
  const tenantId = options.tenantId ?? readEnv("AZURE_TENANT_ID", options.env);
  const clientId = options.clientId ?? readEnv("AZURE_CLIENT_ID", options.env);

  // A given token carries its own tenant and app; nothing else is needed.
  if (choice?.kind === "token") {
    return {
      ...choice,
      hosts,
      ...(tenantId ? { tenantId } : {}),
      ...(clientId ? { clientId } : {}),
    };
  }
  if (!tenantId) {
    throw new MissingCredentialError(
      "tenantId",
      "no tenant: set the tenantId option or AZURE_TENANT_ID",
    );
  }
  if (!clientId) {
    throw new MissingCredentialError(
      "clientId",
      "no client id: set the clientId option or AZURE_CLIENT_ID",
    );
  }
  if (!choice) {
    throw new MissingCredentialError(
      "credential",
      "no credential: set the certificate, clientSecretFile, federated or accessTokenFile " +
        "option, or AZURE_CLIENT_CERTIFICATE_PATH, AZURE_CLIENT_SECRET, " +
        "AZURE_FEDERATED_TOKEN_FILE or GRAPHCALL_ACCESS_TOKEN",
    );
  }
  return { ...choice, hosts, tenantId, clientId };
}
