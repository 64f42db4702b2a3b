/**
 * The shape of one doctor check, and of the report: data first (for `--output json` and API
 * users), rendered by the CLI as a checklist.
 *
 * @module
 */

/** How a check came out: `skip` when it could not run (an earlier check failed, or no input). */
export type CheckStatus = "pass" | "warn" | "fail" | "skip";

/** One line of the doctor's checklist. */
export interface DoctorCheck {
  /** Stable id, e.g. `token`, `roles.remove`, `policy`. */
  id: string;
  /** What was checked, for people. */
  title: string;
  /** The outcome. */
  status: CheckStatus;
  /** What was found (never a secret). */
  detail: string;
  /** What to do about it, when there is something to do. */
  fix?: string;
}

/** The doctor's findings. */
export interface DoctorReport {
  /** True when no check failed (warnings allowed). */
  ok: boolean;
  /**
   * The CLI exit code: 0 when ok, else that of the first failing check: 2 bad input or a
   * credential that is missing or unreadable, 3 a token that cannot be obtained or is not usable,
   * 4 call not found, 5 missing role or tenant policy, 6/7 service or network.
   */
  exitCode: number;
  /** The checks, in order. */
  checks: DoctorCheck[];
}

/** A check and, when it failed, the exit code it stands for. Internal to the doctor. */
export interface Finding {
  /** The check. */
  check: DoctorCheck;
  /** Exit code when the check failed. */
  exitCode?: number;
}

/** Builds a finding. */
export function finding(
  id: string,
  title: string,
  status: CheckStatus,
  detail: string,
  extra: { fix?: string | undefined; exitCode?: number | undefined } = {},
): Finding {
  const check: DoctorCheck = { id, title, status, detail };
  if (extra.fix) check.fix = extra.fix;
  return status === "fail" ? { check, exitCode: extra.exitCode ?? 1 } : { check };
}
