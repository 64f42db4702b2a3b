/**
 * `graphcall cert new`: a self-signed certificate and RSA key for an app registration
 * (`New-SelfSignedCertificate` parity). Writes the key and certificate to `--out` (mode 0600:
 * `--certificate` reads this file) and the certificate alone next to it (`.crt`, to upload).
 *
 * @module
 */

import { Command } from "npm:@commander-js/extra-typings@15.1.0";
import { InvalidInputError } from "../../errors.ts";
import type { GlobalOptions } from "../global_options.ts";
import type { Io } from "../io.ts";
import { emit } from "../output.ts";

/** The certificate-only file written next to `out`: `app.pem` → `app.crt`. */
export function certificatePathFor(out: string): string {
  return /\.pem$/i.test(out) ? out.replace(/\.pem$/i, ".crt") : `${out}.crt`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Builds the `cert` command. */
export function certCommand(io: Io, setExit: (code: number) => void) {
  const cert = new Command("cert").description("make certificates for app registrations");
  cert.command("new")
    .description("make an RSA key and a self-signed certificate (New-SelfSignedCertificate)")
    .option("--subject <dn>", "the subject, e.g. CN=meeting-bot", "CN=graphcall")
    .requiredOption("--out <file>", "PEM file for the key and certificate (mode 0600)")
    .option("--years <n>", "validity in years, 1 to 10", "1")
    .option("--key-size <bits>", "RSA key size: 2048, 3072 or 4096", "3072")
    .option("--force", "overwrite existing files")
    .addHelpText(
      "after",
      "\nExample:\n  graphcall cert new --subject CN=meeting-bot --out app.pem --years 2",
    )
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      if (!/^\d{1,2}$/.test(opts.years)) {
        throw new InvalidInputError("--years", `"${opts.years}" is not a whole number 1 to 10`);
      }
      const keySize = Number(opts.keySize);
      if (keySize !== 2048 && keySize !== 3072 && keySize !== 4096) {
        throw new InvalidInputError("--key-size", "use 2048, 3072 or 4096");
      }
      const crtPath = certificatePathFor(opts.out);
      if (!opts.force) {
        for (const path of [opts.out, crtPath]) {
          if (await exists(path)) {
            throw new InvalidInputError("--out", `${path} exists; add --force to overwrite it`);
          }
        }
      }
      const { createCertificate } = await import("../../auth/create_certificate.ts");
      const made = await createCertificate({
        subject: opts.subject,
        years: Number(opts.years),
        keySize,
      });
      try {
        await Deno.writeTextFile(opts.out, made.certificatePem + made.privateKeyPem, {
          mode: 0o600,
        });
        await Deno.chmod(opts.out, 0o600).catch(() => {});
        await Deno.writeTextFile(crtPath, made.certificatePem, { mode: 0o644 });
      } catch (e) {
        throw new InvalidInputError(
          "--out",
          `cannot write ${opts.out}: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      const result = {
        subject: made.subject,
        notBefore: made.notBefore.toISOString(),
        notAfter: made.notAfter.toISOString(),
        keySize,
        thumbprintSha1: made.thumbprintSha1,
        thumbprintSha256: made.thumbprintSha256,
        keyFile: opts.out,
        certificateFile: crtPath,
      };
      setExit(
        await emit(io, g, {
          command: "cert new",
          result,
          human: (paint) =>
            [
              `${
                paint("bold", "wrote")
              } ${opts.out} (private key and certificate, mode 0600: keep it secret)`,
              `${paint("bold", "wrote")} ${crtPath} (certificate only: upload this one)`,
              `subject:            ${result.subject}`,
              `valid:              ${result.notBefore} to ${result.notAfter}`,
              `thumbprint SHA-1:   ${result.thumbprintSha1}`,
              `thumbprint SHA-256: ${result.thumbprintSha256}`,
              "",
              "Upload the certificate to the app registration:",
              `  Entra admin center > App registrations > your app > Certificates & secrets >`,
              `  Certificates > Upload certificate > ${crtPath}`,
              `  or: az ad app credential reset --id APP_ID --cert @${crtPath} --append`,
              "The portal then shows the SHA-1 thumbprint above. Use the key file with:",
              `  graphcall --tenant TENANT --client-id APP_ID --certificate ${opts.out} ...`,
              "",
            ].join("\n"),
          github: { outputs: { thumbprint: result.thumbprintSha1 } },
        }),
      );
    });
  return cert;
}
