/**
 * `cert new` creates its files new once the key exists: a file or symbolic link planted at either
 * path while the key is being made is never written through. The key maker is injected (the
 * command's own dependency), so the plant happens exactly then.
 */

import assert from "node:assert/strict";
import {
  createCertificate,
  type CreateCertificateOptions,
} from "../lib/auth/create_certificate.ts";
import { commandDeps } from "../lib/cli/deps.ts";
import certNew, { type CertNewDeps, type CertNewOptions } from "../lib/cli/commands/cert_new.ts";
import { InvalidInputError } from "../lib/errors.ts";
import { captureIo } from "./support/capture_io.ts";

const fast: CreateCertificateOptions = { keySize: 2048 };

/** The command run with a key maker that plants something first. */
async function runWithPlant(
  argv: Record<string, string | boolean>,
  plant: () => Promise<void>,
) {
  const io = captureIo();
  const options = await certNew.parse(argv, { io, globals: {}, args: [] }) as CertNewOptions;
  const deps: CertNewDeps = {
    ...commandDeps({
      io,
      globals: {},
      paint: (_style, text) => text,
      session: {},
      runCli: () => Promise.resolve(0),
    }),
    createCertificate: async (o = {}) => {
      const made = await createCertificate({ ...o, ...fast });
      await plant();
      return made;
    },
  };
  return await certNew.run(options, deps);
}

async function refused(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e) => e instanceof InvalidInputError && pattern.test(e.message));
}

Deno.test("a symlink planted at --out while the key is made is never written through; the command refuses", async () => {
  const dir = await Deno.makeTempDir();
  const victim = `${dir}/victim.txt`;
  await Deno.writeTextFile(victim, "precious\n");
  await refused(
    runWithPlant({ out: `${dir}/app.pem` }, () => Deno.symlink(victim, `${dir}/app.pem`)),
    /--out: .*app\.pem appeared while the key was being made.*nothing was written through it/,
  );
  assert.equal(await Deno.readTextFile(victim), "precious\n", "the link's target is untouched");
  assert.ok((await Deno.lstat(`${dir}/app.pem`)).isSymlink, "the planted link is left as it was");
  await assert.rejects(Deno.lstat(`${dir}/app.crt`), Deno.errors.NotFound);
});

Deno.test("a file planted at the certificate path refuses and takes back the key file already written", async () => {
  const dir = await Deno.makeTempDir();
  await refused(
    runWithPlant(
      { out: `${dir}/app.pem` },
      () => Deno.writeTextFile(`${dir}/app.crt`, "planted\n"),
    ),
    /app\.crt appeared while the key was being made/,
  );
  assert.equal(await Deno.readTextFile(`${dir}/app.crt`), "planted\n");
  await assert.rejects(Deno.lstat(`${dir}/app.pem`), Deno.errors.NotFound, "nothing half-done");
});

Deno.test("--force replaces what was there at the start, but not a link swapped in meanwhile", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/app.pem`, "old key\n");
  const outcome = await runWithPlant({ out: `${dir}/app.pem`, force: true }, async () => {});
  assert.equal(outcome.command, "cert new");
  assert.match(await Deno.readTextFile(`${dir}/app.pem`), /BEGIN PRIVATE KEY/);
  assert.equal((await Deno.stat(`${dir}/app.pem`)).mode! & 0o777, 0o600);

  const victim = `${dir}/victim.txt`;
  await Deno.writeTextFile(victim, "precious\n");
  await refused(
    runWithPlant({ out: `${dir}/app.pem`, force: true }, async () => {
      await Deno.remove(`${dir}/app.pem`);
      await Deno.symlink(victim, `${dir}/app.pem`);
    }),
    /appeared while the key was being made/,
  );
  assert.equal(await Deno.readTextFile(victim), "precious\n");
});
