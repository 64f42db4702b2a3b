/**
 * `graphcall doctor`: a checklist of everything between this machine and a working removal
 * (credential, certificate, clock, token, claims, roles, cloud, a read-only probe, the tenant
 * policy), each line with a mark and a fix. Details and fixes quote what the services and files
 * said, so they are sanitised before they are printed.
 *
 * @module
 */

import { InvalidInputError } from "../../errors.ts";
import type { OperationName } from "../../graph/operations.ts";
import type { CheckStatus, DoctorReport } from "../../tenant/doctor_check.ts";
import { defineCommand } from "../command.ts";
import { connectOptionsFrom } from "../global_options.ts";
import { messageWithFlags, withFlags } from "../option_flags.ts";
import { list, text } from "../raw_options.ts";
import { redact } from "../../redact.ts";
import { sanitise } from "../sanitise.ts";

const MARKS: Record<CheckStatus, string> = { pass: "✓", warn: "!", fail: "✗", skip: "-" };
const ASCII: Record<CheckStatus, string> = {
  pass: "ok  ",
  warn: "warn",
  fail: "FAIL",
  skip: "skip",
};

/** Renders a report as a checklist: marks on a terminal, plain ASCII words otherwise. */
export function renderReport(report: DoctorReport, options: { fancy: boolean; quiet?: boolean }) {
  const marks = options.fancy ? MARKS : ASCII;
  const width = Math.max(...report.checks.map((c) => sanitise(c.title).length));
  const lines: string[] = [];
  for (const c of report.checks) {
    if (options.quiet && c.status !== "fail") continue;
    lines.push(`${marks[c.status]} ${sanitise(c.title).padEnd(width)}  ${sanitise(c.detail)}`);
    if (c.fix && c.status !== "pass") {
      lines.push(`${" ".repeat(marks[c.status].length)}   fix: ${sanitise(c.fix)}`);
    }
  }
  const count = (s: CheckStatus) => report.checks.filter((c) => c.status === s).length;
  const warnings = `${count("warn")} warning${count("warn") === 1 ? "" : "s"}`;
  lines.push(
    report.ok
      ? `doctor: no check failed (${count("pass")} passed, ${warnings}, ${count("skip")} skipped)`
      : `doctor: ${count("fail")} failed, ${warnings} (exit ${report.exitCode})`,
  );
  return redact(lines.join("\n")) + "\n";
}

/** The options of `doctor`, checked. */
export interface DoctorOptions {
  /** `--call`. */
  callId?: string;
  /** `--require`. */
  operations?: OperationName[];
  /** `--join-url`. */
  joinUrl?: string;
  /** `--user`. */
  users?: string[];
}

export default defineCommand<DoctorOptions>({
  parse(raw) {
    const call = text(raw, "call");
    const require = text(raw, "require");
    const operations = require === undefined
      ? undefined
      : require.split(",").map((s) => s.trim()).filter(Boolean) as OperationName[];
    if (operations && operations.length === 0) {
      throw new InvalidInputError("--require", "name at least one operation");
    }
    const joinUrl = text(raw, "joinUrl");
    const users = list(raw, "user");
    if (users && joinUrl === undefined) {
      throw new InvalidInputError("--user", "give the meeting too: --join-url URL");
    }
    return {
      ...(call !== undefined ? { callId: call } : {}),
      ...(operations ? { operations } : {}),
      ...(joinUrl !== undefined ? { joinUrl } : {}),
      ...(users ? { users } : {}),
    };
  },

  async run(o, deps) {
    const { diagnose } = await import("../../tenant/doctor.ts");
    const report = await diagnose({
      ...connectOptionsFrom(deps.globals, deps.io),
      ...(o.callId !== undefined ? { callId: o.callId } : {}),
      ...(o.operations ? { operations: o.operations } : {}),
      ...(o.joinUrl !== undefined ? { joinUrl: o.joinUrl } : {}),
      ...(o.users ? { users: o.users } : {}),
    });
    // Details and fixes name the library's option keys; print the CLI's flags instead.
    const shown: DoctorReport = {
      ...report,
      checks: report.checks.map((c) => ({
        ...c,
        detail: messageWithFlags(c.detail),
        ...(c.fix !== undefined ? { fix: withFlags(c.fix) } : {}),
      })),
    };
    const fancy = deps.io.isTerminal && !deps.io.env("NO_COLOR");
    return {
      command: "doctor",
      result: { ok: shown.ok, checks: shown.checks },
      document: { ok: shown.ok, command: "doctor", exitCode: shown.exitCode, checks: shown.checks },
      human: () => renderReport(shown, { fancy, ...(deps.globals.quiet ? { quiet: true } : {}) }),
      essential: true,
      exitCode: report.exitCode,
    };
  },
});
