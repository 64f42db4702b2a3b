/**
 * Reading a secret (a client secret, a password, an access token) from a file or standard input.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import { registerSecret } from "../redact.ts";

/**
 * Reads a secret from `path` (`-` reads standard input), drops one trailing newline (from `echo`
 * or an editor), refuses an empty value and registers the value for redaction.
 *
 * @param field The option key named in errors, e.g. `clientSecretFile`.
 * @throws {InvalidInputError} naming `field` and the file (never its content).
 */
export async function readSecretFile(
  path: string,
  field: string,
  stdin?: ReadableStream<Uint8Array>,
): Promise<string> {
  const where = path === "-" ? "standard input" : path;
  let text: string;
  try {
    text = path === "-"
      ? await new Response(stdin ?? Deno.stdin.readable).text()
      : await Deno.readTextFile(path);
  } catch (e) {
    throw new InvalidInputError(
      field,
      `${where}: ${e instanceof Deno.errors.NotFound ? "file not found" : "could not be read"}`,
    );
  }
  const value = text.replace(/\r?\n$/, "");
  if (!value.trim()) throw new InvalidInputError(field, `${where} is empty`);
  registerSecret(value);
  return value;
}
