/**
 * The distribution docs say what the code does: every AADSTS code graphcall has a fix for is in
 * the troubleshooting page, the exit codes there are the ones lib/errors.ts uses, the install
 * page names the files the compile script builds and the permissions it bakes in, and every
 * local link resolves.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { AADSTS_HINTS } from "../lib/auth/aadsts_hints.ts";
import { type ErrorCode, EXIT_CODE_TABLE, GraphcallError } from "../lib/errors.ts";
import { binaryName, TARGETS } from "../scripts/compile.ts";
import { PERMISSION_FLAGS } from "../scripts/permissions.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const read = (path: string) => Deno.readTextFile(join(ROOT, path));

function exitOf(code: string): number {
  return new GraphcallError(code as ErrorCode, "x").exitCode;
}

Deno.test("troubleshooting lists every AADSTS code graphcall has a fix for, each with exit 3", async () => {
  const doc = await read("docs/troubleshooting.md");
  const section = doc.slice(doc.indexOf("## Entra refused"), doc.indexOf("## Graph refused"));
  assert.match(section, /exit 3/);
  for (const code of Object.keys(AADSTS_HINTS)) {
    assert.match(section, new RegExp(`^\\|\\s*AADSTS${code}\\s*\\|`, "m"), `AADSTS${code}`);
  }
  assert.equal(exitOf("auth_failed"), 3);
});

Deno.test("the troubleshooting exit-code table matches lib/errors.ts, code by code", async () => {
  const doc = await read("docs/troubleshooting.md");
  const rows = [...doc.matchAll(/^\|\s+(\d+)\s+\|[^|]+\|([^|]*)\|$/gm)];
  assert.deepEqual(rows.map((r) => Number(r[1])), EXIT_CODE_TABLE.map((e) => e.code));
  for (const [, exit, codes] of rows) {
    for (const [, code] of codes!.matchAll(/`([a-z_]+)`/g)) {
      assert.equal(exitOf(code!), Number(exit), `${code} exits ${exitOf(code!)}, docs say ${exit}`);
    }
  }
});

Deno.test("each Graph refusal in troubleshooting has the exit code its error code maps to", async () => {
  const doc = await read("docs/troubleshooting.md");
  const expected: [RegExp, ErrorCode][] = [
    [/^\| \*\*401 Unauthorized\*\*\s*\|\s*(\d+)\s*\|/m, "unauthenticated"],
    [/^\| \*\*403 Forbidden\*\*, missing permission\s*\|\s*(\d+)\s*\|/m, "permission_missing"],
    [/^\| \*\*403 Forbidden\*\*, tenant policy\s*\|\s*(\d+)\s*\|/m, "policy_denied"],
    [/^\| \*\*404 Not Found\*\*\s*\|\s*(\d+)\s*\|/m, "not_found"],
    [/^\| \*\*429 Too Many Requests\*\* \(or 503\/504\)\s*\|\s*(\d+)\s*\|/m, "throttled"],
    [/^\| \*\*China cloud\*\*\s*\|\s*(\d+)\s*\|/m, "not_supported"],
  ];
  for (const [row, code] of expected) {
    const m = row.exec(doc);
    assert.ok(m, `no row ${row}`);
    assert.equal(Number(m[1]), exitOf(code), code);
  }
  assert.match(
    doc,
    /Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @\{Add="CLIENT_ID"\}/,
  );
});

Deno.test("the install docs name every binary the compile script builds and its exact env grant", async () => {
  const install = await read("docs/install.md");
  const readme = await read("README.md");
  for (const target of TARGETS) assert.ok(install.includes(`\`${binaryName(target)}\``), target);
  const env = PERMISSION_FLAGS.find((f) => f.startsWith("--allow-env="))!;
  assert.ok(install.includes(`"${env}"`), "docs/install.md deno install line");
  assert.ok(readme.includes(`"${env}"`), "README.md deno install line");
  assert.match(install, /compile check skipped: no denort runtime \(set DENORT_BIN\)/);
});

Deno.test("LICENSE is MIT for graphcall contributors and CHANGELOG follows Keep a Changelog", async () => {
  const license = await read("LICENSE");
  assert.match(license, /^MIT License\n\nCopyright \(c\) \d{4} graphcall contributors\n/);
  const changelog = await read("CHANGELOG.md");
  assert.match(changelog, /keepachangelog\.com/);
  assert.match(changelog, /^## \[Unreleased\]$/m);
  assert.match(changelog, /^### Added$/m);
});

Deno.test("every local link in the distribution docs points at a file that exists", async () => {
  for (const doc of ["docs/install.md", "docs/github-actions.md", "docs/troubleshooting.md"]) {
    const text = await read(doc);
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const path = join(ROOT, dirname(doc), target!);
      assert.ok(await Deno.stat(path).catch(() => null), `${doc}: ${target}`);
    }
  }
  // The README's links are relative to the repository root.
  const readme = await read("README.md");
  for (const [, target] of readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
    if (/^[a-z]+:/.test(target!)) continue;
    assert.ok(await Deno.stat(join(ROOT, target!)).catch(() => null), `README: ${target}`);
  }
});
