/**
 * `graphcall cert new`: a self-signed certificate and RSA key for an app registration
 * (`New-SelfSignedCertificate` parity). Writes the key and certificate to `--out` (mode 0600:
 * `--certificate` reads this file) and the certificate alone next to it (`.crt`, to upload).
 *
 * The files are created new (`O_CREAT|O_EXCL`: never through an existing file or symbolic link)
 * once the key exists. Key generation takes a while; a file or link that appears at either path
 * in the meantime is never written through: the command refuses and says why, and removes what
 * it had written itself. `--force` replaces only what was there when the command started.
 *
 * @module
 */

import type { createCertificate, CreatedCertificate } from "../../auth/create_certificate.ts";
import { InvalidInputError } from "../../errors.ts";
import { type CommandDeps, defineCommand } from "../command.ts";
import { text } from "../raw_options.ts";
import { sanitise } from "../sanitise.ts";

/** The certificate-only file written next to `out`: `app.pem` → `app.crt`. */
export function certificatePathFor(out: string): string {
  return /\.pem$/i.test(out) ? out.replace(/\.pem$/i, ".crt") : `${out}.crt`;
}

/** What is at a path (without following a link), or undefined when nothing is. */
async function entryAt(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new InvalidInputError("--out", `${path}: cannot be checked (${errorText(e)})`);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Whether two lstat results describe the same file: same kind, inode and device where known,
 * size and change times (an inode number freed by a removal may be reused at once).
 */
function sameEntry(a: Deno.FileInfo, b: Deno.FileInfo): boolean {
  return a.isSymlink === b.isSymlink && a.isFile === b.isFile && a.ino === b.ino &&
    a.dev === b.dev && a.size === b.size && a.mtime?.getTime() === b.mtime?.getTime() &&
    a.ctime?.getTime() === b.ctime?.getTime();
}

/** The options of `cert new`, checked. */
export interface CertNewOptions {
  /** `--subject`. */
  subject: string;
  /** `--out`: key and certificate. */
  out: string;
  /** The certificate alone, next to `out`. */
  crtPath: string;
  /** `--years` (1 to 10). */
  years: number;
  /** `--key-size`. */
  keySize: 2048 | 3072 | 4096;
  /** `--force`. */
  force: boolean;
}

/** The dependencies of `cert new`: the command's own, and the certificate maker (tests). */
export interface CertNewDeps extends CommandDeps {
  /** Makes the key and certificate (default: lib/auth/create_certificate.ts). */
  createCertificate?: typeof createCertificate;
}

/** Why a file at `path` is refused: it appeared while the key was being made. */
function appeared(path: string): InvalidInputError {
  return new InvalidInputError(
    "--out",
    `${path} appeared while the key was being made (a file or link someone else created); ` +
      "nothing was written through it: check who created it, remove it, and run again",
  );
}

/** Creates `path` new with `text` (never through an existing file or link). */
async function createNew(path: string, text: string, mode: number): Promise<void> {
  try {
    await Deno.writeTextFile(path, text, { createNew: true, mode });
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) throw appeared(path);
    throw new InvalidInputError("--out", `cannot write ${path}: ${errorText(e)}`);
  }
}

export default defineCommand<CertNewOptions>({
  async parse(raw) {
    const out = text(raw, "out")!;
    const years = text(raw, "years") ?? "1";
    if (!/^\d{1,2}$/.test(years) || Number(years) < 1 || Number(years) > 10) {
      throw new InvalidInputError("--years", `"${years}" is not a whole number 1 to 10`);
    }
    const keySize = Number(text(raw, "keySize") ?? "3072");
    if (keySize !== 2048 && keySize !== 3072 && keySize !== 4096) {
      throw new InvalidInputError("--key-size", "use 2048, 3072 or 4096");
    }
    const crtPath = certificatePathFor(out);
    const force = raw.force === true;
    if (!force) {
      for (const path of [out, crtPath]) {
        if (await entryAt(path)) {
          throw new InvalidInputError("--out", `${path} exists; add --force to overwrite it`);
        }
      }
    }
    return {
      subject: text(raw, "subject") ?? "CN=graphcall",
      out,
      crtPath,
      years: Number(years),
      keySize,
      force,
    };
  },

  async run(o, deps: CertNewDeps) {
    const paths = [o.out, o.crtPath];
    // What --force may replace: what is there now, before the key is made.
    const before = await Promise.all(paths.map(entryAt));
    const create = deps.createCertificate ??
      (await import("../../auth/create_certificate.ts")).createCertificate;
    const made: CreatedCertificate = await create({
      subject: o.subject,
      years: o.years,
      keySize: o.keySize,
    });
    for (const [i, path] of paths.entries()) {
      const now = await entryAt(path);
      if (!now) continue;
      const was = before[i];
      if (!o.force || !was || !sameEntry(was, now)) throw appeared(path);
      if (now.isDirectory) throw new InvalidInputError("--out", `${path} is a folder`);
      await Deno.remove(path);
    }
    await createNew(o.out, made.certificatePem + made.privateKeyPem, 0o600);
    try {
      await Deno.chmod(o.out, 0o600).catch(() => {});
      await createNew(o.crtPath, made.certificatePem, 0o644);
    } catch (e) {
      // Nothing half-done: the key file alone is taken back.
      await Deno.remove(o.out).catch(() => {});
      throw e;
    }
    const result = {
      subject: made.subject,
      notBefore: made.notBefore.toISOString(),
      notAfter: made.notAfter.toISOString(),
      keySize: o.keySize,
      thumbprintSha1: made.thumbprintSha1,
      thumbprintSha256: made.thumbprintSha256,
      keyFile: o.out,
      certificateFile: o.crtPath,
    };
    const out = sanitise(o.out);
    const crt = sanitise(o.crtPath);
    return {
      command: "cert new",
      result,
      human: (paint) =>
        [
          `${
            paint("bold", "wrote")
          } ${out} (private key and certificate, mode 0600: keep it secret)`,
          `${paint("bold", "wrote")} ${crt} (certificate only: upload this one)`,
          `subject:            ${sanitise(result.subject)}`,
          `valid:              ${result.notBefore} to ${result.notAfter}`,
          `thumbprint SHA-1:   ${result.thumbprintSha1}`,
          `thumbprint SHA-256: ${result.thumbprintSha256}`,
          "",
          "Upload the certificate to the app registration:",
          `  Entra admin center > App registrations > your app > Certificates & secrets >`,
          `  Certificates > Upload certificate > ${crt}`,
          `  or: az ad app credential reset --id APP_ID --cert @${crt} --append`,
          "The portal then shows the SHA-1 thumbprint above. Use the key file with:",
          `  graphcall --tenant TENANT --client-id APP_ID --certificate ${out} ...`,
          "",
        ].join("\n"),
      github: { outputs: { thumbprint: result.thumbprintSha1 } },
    };
  },
});
