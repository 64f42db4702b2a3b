import assert from "node:assert/strict";
import { type CredentialOptions, resolveCredential } from "../lib/auth/resolve_credential.ts";
import { chooseRecipe } from "../lib/auth/credential_recipe.ts";
import { type GraphcallError, InvalidInputError, MissingCredentialError } from "../lib/errors.ts";
import { flagForField, OPTION_FLAGS, withFlags } from "../lib/cli/option_flags.ts";
import { errorDocument } from "../lib/cli/render.ts";
import { runMain } from "./support/run_main.ts";
import { IDS } from "./support/tenant.ts";

const base = { AZURE_TENANT_ID: IDS.tenantId, AZURE_CLIENT_ID: IDS.clientId };

async function failure(options: CredentialOptions): Promise<GraphcallError & { field: string }> {
  try {
    await resolveCredential(options);
  } catch (e) {
    assert.ok(e instanceof InvalidInputError || e instanceof MissingCredentialError, String(e));
    return e;
  }
  assert.fail("resolveCredential succeeded");
}

Deno.test("library errors name option keys and variables, carry the key in field, and name no CLI flag", async () => {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-names-" });
  const empty = `${dir}/empty.txt`;
  await Deno.writeTextFile(empty, "\n");
  const cases: [CredentialOptions, string, RegExp][] = [
    [{ env: {} }, "tenantId", /^no tenant: set the tenantId option or AZURE_TENANT_ID$/],
    [
      { env: { AZURE_TENANT_ID: IDS.tenantId } },
      "clientId",
      /the clientId option or AZURE_CLIENT_ID/,
    ],
    [
      { env: base },
      "credential",
      /the certificate, clientSecretFile, federated or accessTokenFile option, or AZURE_CLIENT_CERTIFICATE_PATH/,
    ],
    [
      { env: base, clientSecretFile: "-", stdin: new Blob([""]).stream() },
      "clientSecretFile",
      /^clientSecretFile: standard input is empty$/,
    ],
    [
      { env: base, clientSecretFile: `${dir}/missing.txt` },
      "clientSecretFile",
      /missing\.txt: file not found/,
    ],
    [
      { env: base, accessTokenFile: empty },
      "accessTokenFile",
      /^accessTokenFile: .*empty\.txt is empty$/,
    ],
    [
      { env: base, certificate: { path: `${dir}/nope.pem` }, certificatePasswordFile: empty },
      "certificatePasswordFile",
      /^certificatePasswordFile: /,
    ],
    [
      { env: base, certificate: { path: `${dir}/nope.pem` } },
      "certificate",
      /^certificate: .*nope\.pem: file not found/,
    ],
    [
      { env: base, clientSecret: "x".repeat(20), accessToken: "y" },
      "credential",
      /the clientSecret and accessToken options/,
    ],
    [
      { env: base, clientSecret: "x".repeat(20), cloud: "Mars" },
      "cloud",
      /^cloud: unknown cloud "Mars"/,
    ],
    [
      { env: { ...base, GRAPHCALL_CLOUD: "Mars" }, clientSecret: "x".repeat(20) },
      "GRAPHCALL_CLOUD",
      /unknown cloud/,
    ],
  ];
  for (const [options, field, message] of cases) {
    const e = await failure(options);
    assert.equal(e.field, field, e.message);
    assert.match(e.message, message);
    assert.doesNotMatch(e.message, /(^|\s)--[a-z]/, e.message);
  }
});

Deno.test("choosing a recipe is pure: it reads no file, and says which kind from where", () => {
  const recipe = chooseRecipe({
    env: {
      ...base,
      AZURE_CLIENT_CERTIFICATE_PATH: "/nonexistent/app.pem",
      AZURE_CLIENT_SEND_CERTIFICATE_CHAIN: "true",
    },
  });
  assert.equal(recipe.kind, "certificate");
  assert.equal(recipe.field, "AZURE_CLIENT_CERTIFICATE_PATH");
  assert.ok(
    recipe.kind === "certificate" && recipe.sendCertificateChain && recipe.algorithm === "PS256",
  );
  const file = chooseRecipe({ env: base, clientSecretFile: "/nonexistent/secret.txt" });
  assert.deepEqual([file.kind, file.from, file.field], [
    "secret",
    "file /nonexistent/secret.txt",
    "clientSecretFile",
  ]);
  const token = chooseRecipe({ env: { GRAPHCALL_ACCESS_TOKEN: "eyJ.not-read-here" } });
  assert.equal(token.kind, "token");
});

Deno.test("the CLI's table turns option keys into its flags, in fields and in prose", () => {
  assert.equal(
    withFlags("no tenant: set the tenantId option or AZURE_TENANT_ID"),
    "no tenant: set --tenant or AZURE_TENANT_ID",
  );
  assert.equal(
    withFlags(
      "set the certificate, clientSecretFile, federated or accessTokenFile option, or AZURE_CLIENT_SECRET",
    ),
    "set --certificate, --client-secret-file, --federated or --access-token-file, or AZURE_CLIENT_SECRET",
  );
  assert.equal(withFlags("check the cloud (the cloud option)."), "check the cloud (--cloud).");
  assert.equal(
    withFlags("the clientSecret and accessToken options"),
    "the clientSecret and accessToken options",
  );
  assert.equal(withFlags("the private key option"), "the private key option");
  assert.equal(flagForField("clientSecretFile"), "--client-secret-file");
  assert.equal(flagForField("AZURE_TENANT_ID"), "AZURE_TENANT_ID");
  assert.equal(flagForField("toString"), "toString");
  for (const flag of Object.values(OPTION_FLAGS)) assert.match(flag, /^--[a-z-]+$/);

  const doc = errorDocument(new InvalidInputError("clientSecretFile", "standard input is empty"));
  assert.equal(doc.error.field, "--client-secret-file");
  assert.equal(doc.error.message, "--client-secret-file: standard input is empty");
  const missing = errorDocument(
    new MissingCredentialError("tenantId", "no tenant: set the tenantId option or AZURE_TENANT_ID"),
  );
  assert.equal(missing.error.field, "--tenant");
  assert.equal(missing.error.message, "no tenant: set --tenant or AZURE_TENANT_ID");
});

Deno.test("the CLI still names its flags: --client-secret-file for empty standard input, --tenant when no tenant is set", async () => {
  const args = ["participant", "remove", "--call", IDS.callId, "--participant", IDS.adele];
  const empty = await runMain([...args, "--client-secret-file", "-"], { env: base, stdin: "" });
  assert.equal(empty.code, 2, empty.stderr);
  assert.match(empty.stderr, /error: --client-secret-file: standard input is empty/);
  const noTenant = await runMain([...args, "--output", "json"], {
    env: { AZURE_CLIENT_ID: IDS.clientId },
  });
  assert.equal(noTenant.code, 2);
  const doc = JSON.parse(noTenant.stdout);
  assert.equal(doc.error.field, "--tenant");
  assert.match(doc.error.message, /--tenant or AZURE_TENANT_ID/);
});
