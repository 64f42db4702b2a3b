/**
 * GC_OPS concurrent operations on a fresh graphcall client (cold token cache): each lists the
 * first page of a call's participants. The emulator counts the token requests that reach it.
 */

import { connectFromEnv, need } from "./connect_from_env.ts";

const ops = Number(need("GC_OPS"));
const client = await connectFromEnv();
const call = client.call(need("GC_CALL_ID"));
const results = await Promise.all(
  Array.from({ length: ops }, async () => {
    const first = await call.participants().next();
    return first.done ? 0 : 1;
  }),
);
const ok = results.reduce((a: number, b) => a + b, 0);
console.log(JSON.stringify({ ops, ok }));
if (ok !== ops) Deno.exit(1);
