/**
 * Reading the environment: a plain object, a lookup function, or `Deno.env` by default. An empty
 * value counts as unset, and a missing `--allow-env` grant reads as unset rather than throwing.
 *
 * @module
 */

/** An environment: a plain object or a lookup function. */
export type EnvSource =
  | Record<string, string | undefined>
  | ((name: string) => string | undefined);

/** Reads an environment variable without throwing when env access is not granted. */
export function readEnv(name: string, env?: EnvSource): string | undefined {
  if (typeof env === "function") return env(name) || undefined;
  if (env) return env[name] || undefined;
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/** Whether a variable's value means yes, as Azure Identity reads its switches: `true` or `1`. */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|1)$/i.test(value.trim());
}
