/**
 * Starts and stops the emulator GC_STARTS times in one process (used to profile its start-up
 * with `--cpu-prof`; the timed figures come from the bench process itself).
 */

import { startEmulator } from "../../lib/emulator/mod.ts";

const starts = Number(Deno.env.get("GC_STARTS") ?? "10");
for (let i = 0; i < starts; i++) {
  const emulator = await startEmulator({ state: { tenants: [] } });
  await emulator.close();
}
