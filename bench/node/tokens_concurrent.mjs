// GC_OPS concurrent acquireTokenByClientCredential calls on one application with a cold cache:
// what an app does when it starts GC_OPS Graph operations at once. The emulator counts the token
// requests that reach it.
import { createApp, env, SCOPES } from "./msal_config.mjs";

const app = createApp();
const ops = Number(env("GC_OPS"));
const results = await Promise.all(
  Array.from({ length: ops }, () => app.acquireTokenByClientCredential({ scopes: SCOPES })),
);
const ok = results.filter((r) => r?.accessToken).length;
process.stdout.write(JSON.stringify({ ops, ok }) + "\n");
if (ok !== ops) process.exit(1);
