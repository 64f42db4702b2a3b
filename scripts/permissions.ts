/**
 * The permissions graphcall runs with, in ONE place: baked into the compiled binaries by
 * scripts/compile.ts, and copied (checked by tests/distribution_yaml_test.ts) into action.yml.
 *
 * Why each grant:
 * - net, any host: users point the CLI at real Graph and Entra hosts in any national cloud, at a
 *   proxy, or at an emulator on any port; `graphcall emulator` also listens.
 * - read, any path: certificates, state files, federated token files live wherever the user keeps
 *   them.
 * - write, any path: `--out` files, the token cache, `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY`.
 * - env, a fixed list of names: what graphcall reads (Azure Identity's `AZURE_*`, its own
 *   `GRAPHCALL_*`, GitHub Actions' `GITHUB_*` and `ACTIONS_ID_TOKEN_*`, `NO_COLOR`) plus what its
 *   npm dependencies read: commander reads `NO_COLOR`, `FORCE_COLOR` and `CLICOLOR_FORCE` to
 *   decide on colour when it prints help. Deno 2.9.6 lets anyone read `NO_COLOR` and `FORCE_COLOR`
 *   without a grant, but not `CLICOLOR_FORCE` (without it `--help` dies with NotCapable); all three
 *   are listed so the list says what is read. Deno 2 accepts a trailing `*` as a prefix wildcard. tests/distribution_permissions_test.ts
 *   runs every command with exactly these flags, so a new variable that is read without being
 *   listed here fails a test instead of a user's binary (compiled binaries never prompt).
 * - nothing else: no run, ffi, sys or import grants.
 *
 * @module
 */

/** Environment variable names (or `PREFIX_*` wildcards) the CLI may read. */
export const ENV_NAMES: readonly string[] = Object.freeze([
  "AZURE_*",
  "GRAPHCALL_*",
  "GITHUB_*",
  "ACTIONS_ID_TOKEN_*",
  "NO_COLOR",
  "FORCE_COLOR",
  "CLICOLOR_FORCE",
]);

/** The permission flags for `deno run` / `deno compile`, narrowest that serve every command. */
export const PERMISSION_FLAGS: readonly string[] = Object.freeze([
  "--allow-net",
  "--allow-read",
  "--allow-write",
  `--allow-env=${ENV_NAMES.join(",")}`,
]);
