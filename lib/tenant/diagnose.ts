/**
 * `diagnose()`, loaded on first use: the doctor's checks (and the tenant room behind them) are
 * imported only when a script asks for a diagnosis, so importing mod.ts stays cheap.
 *
 * @module
 */

import type { DiagnoseOptions } from "./doctor.ts";
import type { DoctorReport } from "./doctor_check.ts";

/**
 * Runs the doctor's checks and returns the report: credential, certificate, clock, token, roles per
 * operation, cloud, the tenant policy, and with `joinUrl` the meeting path. Never throws for what
 * it diagnoses (those become failing checks); throws an `InvalidInputError` for bad input.
 *
 * @example Diagnose the configuration in AZURE_* variables
 * ```ts ignore
 * import { diagnose } from "./diagnose.ts";
 * const report = await diagnose();
 * for (const c of report.checks) console.log(c.status, c.title, c.detail, c.fix ?? "");
 * ```
 */
export async function diagnose(options: DiagnoseOptions = {}): Promise<DoctorReport> {
  return await (await import("./doctor.ts")).diagnose(options);
}
