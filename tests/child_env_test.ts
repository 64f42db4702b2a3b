import assert from "node:assert/strict";
import { childEnv } from "./support/child_env.ts";

function withEnv(vars: Record<string, string | undefined>, f: () => void): void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  try {
    for (const [k, v] of Object.entries(vars)) {
      v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
    }
    f();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
    }
  }
}

Deno.test("a child keeps the TLS, proxy and registry variables and none of the credentials", () => {
  withEnv({
    DENO_CERT: "/etc/corp-ca.pem",
    NODE_EXTRA_CA_CERTS: "/etc/corp-ca.pem",
    SSL_CERT_FILE: "/etc/ssl/cert.pem",
    HTTPS_PROXY: "http://proxy.example:3128",
    NO_PROXY: "intranet.example",
    NPM_CONFIG_REGISTRY: "https://npm.example/",
    AZURE_CLIENT_SECRET: "not-for-children",
  }, () => {
    const env = childEnv();
    assert.equal(env.DENO_CERT, "/etc/corp-ca.pem");
    assert.equal(env.NODE_EXTRA_CA_CERTS, "/etc/corp-ca.pem");
    assert.equal(env.SSL_CERT_FILE, "/etc/ssl/cert.pem");
    assert.equal(env.HTTPS_PROXY, "http://proxy.example:3128");
    assert.equal(env.NPM_CONFIG_REGISTRY, "https://npm.example/");
    assert.equal(env.AZURE_CLIENT_SECRET, undefined);
    // loopback never goes through the proxy: tests talk only to 127.0.0.1 / ::1
    assert.deepEqual(env.NO_PROXY!.split(","), [
      "intranet.example",
      "127.0.0.1",
      "localhost",
      "::1",
    ]);
  });
});
