/**
 * The environment a child process started with `clearEnv: true` keeps: what Deno needs to find
 * its cache and to reach the package registry (TLS trust, proxies, registry mirrors), and nothing
 * of the caller's credentials. Without the TLS and proxy variables a child on a machine with an
 * empty Deno cache behind a TLS-intercepting proxy cannot fetch its `npm:` packages.
 */

/** Variables that locate Deno's cache and the user's folders. */
const LOCATION = ["PATH", "HOME", "DENO_DIR", "TMPDIR", "SYSTEMROOT", "USERPROFILE"];

/** Variables that configure TLS trust, proxies and package registries. */
export const NETWORK_VARIABLES: readonly string[] = [
  "DENO_CERT",
  "DENO_TLS_CA_STORE",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "NPM_CONFIG_REGISTRY",
  "npm_config_registry",
  "DENO_NPM_REGISTRY",
];

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1"];

/**
 * The variables to pass to a child started with a cleared environment. When a proxy is passed on,
 * loopback is added to `NO_PROXY`, so a child's requests to a local emulator never leave the
 * machine through the proxy.
 */
export function childEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...LOCATION, ...NETWORK_VARIABLES]) {
    const v = Deno.env.get(name);
    if (v) out[name] = v;
  }
  const proxied = ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"].some((n) => out[n]);
  if (proxied) {
    for (const name of ["NO_PROXY", "no_proxy"]) {
      const have = (out[name] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
      out[name] = [...have, ...LOOPBACK_NAMES.filter((h) => !have.includes(h))].join(",");
    }
  }
  return out;
}
