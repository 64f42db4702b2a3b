/**
 * 3. One removal, process start to 204: graphcall's CLI against the floor (curl twice: token, then
 * DELETE), and the Node.js stacks beside it: msal-node + the Graph JS client, Azure Identity + the
 * Graph JS client, msal-node + the Teams SDK's Graph client.
 */

import { createClientAssertion } from "../../lib/auth/client_assertion.ts";
import { loadCertificate } from "../../lib/auth/certificate.ts";
import { type ChildRun, runChildChecked } from "../lib/child.ts";
import { type BenchContext, childEnv, graphcallCli, nodeScript, sampleOf } from "../lib/context.ts";
import { IDS, remaining, ROOT, seedCalls, tokensIssued } from "../lib/fixture.ts";
import { interleave, type Sample } from "../lib/interleave.ts";
import { profileChild, profileLine } from "../lib/profile.ts";
import { rowOf } from "../lib/rows.ts";
import type { Goal, Section } from "../lib/types.ts";

/** The curl floor: a token request with a client assertion signed beforehand, then DELETE. */
const CURL_SCRIPT = `set -e
tok=$(curl -sS --fail -X POST "$GC_TOKEN_URL" \\
  --data-urlencode "client_id=$GC_CLIENT_ID" --data-urlencode "scope=$GC_SCOPE" \\
  --data-urlencode "grant_type=client_credentials" \\
  --data-urlencode "client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer" \\
  --data-urlencode "client_assertion@$GC_ASSERTION_FILE" \\
  | sed -n 's/.*"access_token":"\\([^"]*\\)".*/\\1/p')
curl -sS --fail -o /dev/null -w '%{http_code}\\n' -X DELETE \\
  -H "Authorization: Bearer $tok" "$GC_DELETE_URL"
`;

/** The Node.js peers: id, script, label. */
const PEERS: [string, string, string][] = [
  ["official", "remove_one.mjs", "Node.js: msal-node (certificate) + Graph JS client"],
  ["identity", "remove_one_identity.mjs", "Node.js: Azure Identity + Graph JS client"],
  ["teams_sdk", "remove_one_teams_sdk.mjs", "Node.js: msal-node + Teams SDK Graph client"],
];

/** Runs the one-removal benchmark. */
export async function benchRemoveOne(
  ctx: BenchContext,
): Promise<{ section: Section; goal: Goal }> {
  const certificate = await loadCertificate({ path: ctx.cred.pemPath });
  const tokenUrl = `${ctx.emulator.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`;
  const assertionFile = `${ctx.dir}/assertion.jwt`;

  /** Seeds one participant, runs the child, checks the participant is gone after one token. */
  async function removal(
    label: string,
    makeSpec: (
      callId: string,
      participantId: string,
    ) => Promise<Parameters<typeof runChildChecked>[1]>,
  ): Promise<Sample> {
    const seeded = seedCalls(ctx.emulator, 1, 1);
    const { callId, participants: [participantId] } = seeded[0]!;
    const tokensBefore = tokensIssued(ctx.emulator);
    const spec = await makeSpec(callId, participantId!);
    const run: ChildRun = await runChildChecked(label, spec, (r) => {
      if (!r.stdout.includes("204")) return "did not report 204";
      if (remaining(ctx.emulator, seeded) !== 0) return "the participant is still in the call";
      return undefined;
    });
    return sampleOf(run, tokensIssued(ctx.emulator) - tokensBefore);
  }

  const graphcallSpec = (callId: string, participantId: string) =>
    graphcallCli([
      "--emulator",
      ctx.emulator.graphUrl,
      "--tenant",
      IDS.tenantId,
      "--client-id",
      IDS.clientId,
      "--certificate",
      ctx.cred.pemPath,
      "participant",
      "remove",
      "--call",
      callId,
      "--participant",
      participantId,
    ]);

  const samples = await interleave(ctx.config.removeReps, [
    {
      id: "graphcall",
      run: () =>
        removal("graphcall participant remove", (c, p) => Promise.resolve(graphcallSpec(c, p))),
    },
    ...PEERS.map(([id, script]) => ({
      id,
      run: () =>
        removal(`node ${script}`, (c, p) =>
          Promise.resolve(
            nodeScript(script, childEnv(ctx, { GC_CALL_ID: c, GC_PARTICIPANT_ID: p })),
          )),
    })),
    {
      id: "curl",
      run: () =>
        removal("curl twice", async (c, p) => {
          // Signed here, untimed: curl cannot sign; the floor is two HTTP exchanges.
          const assertion = await createClientAssertion({
            clientId: IDS.clientId,
            tokenEndpoint: tokenUrl,
            certificate,
          });
          await Deno.writeTextFile(assertionFile, assertion.jwt, { mode: 0o600 });
          return {
            cmd: "sh",
            args: ["-c", CURL_SCRIPT],
            cwd: ROOT,
            env: {
              GC_TOKEN_URL: tokenUrl,
              GC_CLIENT_ID: IDS.clientId,
              GC_SCOPE: IDS.scope,
              GC_ASSERTION_FILE: assertionFile,
              GC_DELETE_URL:
                `${ctx.emulator.graphUrl}/v1.0/communications/calls/${c}/participants/${p}`,
            },
          };
        }),
    },
  ], { log: ctx.log });
  const anchor = { label: "curl", samples: samples.get("curl")! };
  const tokens = { valueUnit: "token requests" };
  const rows = [
    rowOf(
      "remove.curl_floor",
      "floor: curl twice from sh (token, then DELETE) (anchor)",
      anchor.samples,
      tokens,
    ),
    rowOf(
      "remove.graphcall",
      "graphcall participant remove (deno run cli.ts)",
      samples.get("graphcall")!,
      {
        anchor,
        ...tokens,
      },
    ),
    ...PEERS.map(([id, , label]) =>
      rowOf(`remove.${id}`, label, samples.get(id)!, { anchor, ...tokens })
    ),
  ];
  const r = rows[1]!.ratio!;
  const goal: Goal = {
    id: "remove_one",
    goal: "one removal, process start to 204, at most 3× two curls",
    measured: `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)}); ` +
      `${rows[1]!.timeMs!.median.toFixed(0)} vs ${rows[0]!.timeMs!.median.toFixed(0)} ms`,
    met: r.median <= 3,
  };
  if (!goal.met && ctx.config.profileMisses) {
    const s = seedCalls(ctx.emulator, 1, 1)[0]!;
    goal.note = `graphcall participant remove: ${
      profileLine(await profileChild(graphcallSpec(s.callId, s.participants[0]!), ROOT))
    }`;
  }
  return {
    section: {
      id: "remove_one",
      title: "3. One removal, process start to 204",
      reps: ctx.config.removeReps,
      rows,
      notes: [
        "Each run removes a freshly seeded participant; the bench checks it is gone from the " +
        "emulator. Every process starts with a cold token cache (one token request each).",
        "The curl floor's client assertion is signed before the timer starts (curl cannot sign); " +
        "it is two HTTP exchanges run from `sh`.",
        "The Node.js peers: msal-node `ConfidentialClientApplication` with the certificate " +
        "(thumbprintSha256: PS256 like graphcall); Azure Identity `ClientCertificateCredential` " +
        "with instance discovery off; the Teams SDK's `Client` from @microsoft/teams.graph " +
        "calling the typed endpoint `communications.calls.participants.del` of " +
        "@microsoft/teams.graph-endpoints, its token from msal-node. See bench/README.md for " +
        "how each is pointed at the plain-HTTP emulator.",
      ],
    },
    goal,
  };
}
