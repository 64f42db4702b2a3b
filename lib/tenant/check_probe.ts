/**
 * Doctor's read-only probe: list the participants of one call. Nothing is changed.
 *
 * @module
 */

import type { Cloud } from "../clouds.ts";
import { exitCodeFor, GraphError } from "../errors.ts";
import { redact } from "../redact.ts";
import type { CallHandle } from "../graph/call.ts";
import { type Finding, finding } from "./doctor_check.ts";
import { permissionRemediation } from "../fixes.ts";
import { requiredRoles } from "../graph/operations.ts";

const TITLE = "Read-only probe (list participants)";

/** Lists the call's participants and reports what Graph said. */
export async function probeCheck(
  call: CallHandle,
  context: { clientId: string; cloud: Cloud; tenant: string },
): Promise<Finding> {
  let count = 0;
  try {
    for await (const _ of call.participants()) count++;
  } catch (e) {
    const message = redact(e instanceof Error ? e.message : String(e));
    let fix: string | undefined;
    if (e instanceof GraphError) {
      if (e.status === 401) {
        fix =
          `Graph refused the token: check the cloud (now ${context.cloud.name}; tokens of one cloud are refused by another's Graph) and the tenant`;
      } else if (e.status === 403) {
        fix = permissionRemediation(
          requiredRoles("list"),
          context.clientId,
          context.cloud.name,
          context.tenant,
        );
      } else if (e.status === 404) {
        fix =
          "check the call id: the call must be active, in this tenant, and reachable by this app";
      }
    }
    const requestId = e instanceof GraphError && e.requestId ? ` (request-id ${e.requestId})` : "";
    return finding("probe", TITLE, "fail", `call ${call.id}: ${message}${requestId}`, {
      fix,
      exitCode: exitCodeFor(e),
    });
  }
  return finding(
    "probe",
    TITLE,
    "pass",
    `call ${call.id}: ${count} participant${count === 1 ? "" : "s"} listed; nothing was changed`,
  );
}
