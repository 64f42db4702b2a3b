import assert from "node:assert/strict";
import { CLOUD_NAMES, CLOUDS, getCloud } from "../lib/clouds.ts";
import { EXIT_CODES, exitCodeFor, GraphcallError, InvalidInputError } from "../lib/errors.ts";
import { VERSION } from "../lib/version.ts";
import { checkId } from "../lib/graph/ids.ts";

Deno.test("the version in code equals deno.json's version", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(VERSION, config.version);
});

Deno.test("the cloud table has the four clouds with their hosts, audiences and participants support", () => {
  assert.deepEqual([...CLOUD_NAMES], ["Global", "USGov", "USGovDoD", "China"]);
  assert.equal(CLOUDS.USGovDoD.graphUrl, "https://dod-graph.microsoft.us");
  assert.equal(CLOUDS.USGovDoD.authorityUrl, "https://login.microsoftonline.us");
  assert.equal(CLOUDS.USGov.federatedAudience, "api://AzureADTokenExchangeUSGov");
  assert.equal(CLOUDS.China.scope, "https://microsoftgraph.chinacloudapi.cn/.default");
  assert.equal(CLOUDS.Global.teamsEnvironmentName, null);
  assert.equal(CLOUDS.USGov.teamsEnvironmentName, "TeamsGCCH");
  assert.equal(CLOUDS.China.participantsApi, false);
  assert.ok(CLOUD_NAMES.filter((n) => n !== "China").every((n) => CLOUDS[n].participantsApi));
});

Deno.test("clouds are found case-insensitively and an unknown one names the field", () => {
  assert.equal(getCloud("usgovdod").name, "USGovDoD");
  assert.throws(
    () => getCloud("Germany"),
    (e: unknown) => e instanceof InvalidInputError && e.field === "cloud",
  );
});

Deno.test("each error code maps to its documented exit code", () => {
  assert.equal(exitCodeFor(new GraphcallError("invalid_input", "x")), EXIT_CODES.usage);
  assert.equal(exitCodeFor(new GraphcallError("auth_failed", "x")), 3);
  assert.equal(exitCodeFor(new GraphcallError("not_found", "x")), 4);
  assert.equal(exitCodeFor(new GraphcallError("policy_denied", "x")), 5);
  assert.equal(exitCodeFor(new GraphcallError("permission_missing", "x")), 5);
  assert.equal(exitCodeFor(new GraphcallError("throttled", "x")), 6);
  assert.equal(exitCodeFor(new GraphcallError("network", "x")), 7);
  assert.equal(exitCodeFor(new GraphcallError("timeout", "x")), 7);
  assert.equal(exitCodeFor(new Error("boom")), 1);
});

Deno.test("ids with path characters are refused before anything is sent", () => {
  for (const bad of ["../x", "a/b", "a?b", "a#b", "a%2Fb", "a b", "a\u0000b", "a\u202eb", ""]) {
    assert.throws(() => checkId(bad, "participantId"), InvalidInputError, JSON.stringify(bad));
  }
  assert.equal(
    checkId("a7ebfb2d-871e-419c-87af-27290b22e8db", "participantId"),
    "a7ebfb2d-871e-419c-87af-27290b22e8db",
  );
});
