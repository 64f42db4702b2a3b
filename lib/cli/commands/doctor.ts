/**
 * `graphcall doctor`: a checklist of everything between this machine and a working removal
 * (credential, certificate, clock, token, claims, roles, cloud, a read-only probe, the tenant
 * policy), each line with a mark and a fix.
 *
 * @module
 */

import { Command } from "npm:@commander-js/extra-typings@15.1.0";
import { InvalidInputError } from "../../errors.ts";
import type { OperationName } from "../../graph/operations.ts";
import { diagnose } from "../../tenant/doctor.ts";
import type { CheckStatus, DoctorReport } from "../../tenant/doctor_check.ts";
import type { Io } from "../io.ts";
import { connectOptionsFrom, type GlobalOptions, outputFormat } from "../global_options.ts";
import { printJson } from "../render.ts";
import { messageWithFlags, withFlags } from "../option_flags.ts";
import { redact } from "../../redact.ts";

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
  const width = Math.max(...report.checks.map((c) => c.title.length));
  const lines: string[] = [];
  for (const c of report.checks) {
    if (options.quiet && c.status !== "fail") continue;
    lines.push(`${marks[c.status]} ${c.title.padEnd(width)}  ${c.detail}`);
    if (c.fix && c.status !== "pass") {
      lines.push(`${" ".repeat(marks[c.status].length)}   fix: ${c.fix}`);
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

const DOCTOR_HELP = `
Exit codes:
    0  no check failed (warnings allowed)
    2  bad input, or a credential that is missing or unreadable
    3  the token cannot be obtained or is unusable (certificate, clock, AADSTS, cloud)
    4  the --call was not found
    5  a required permission (role) is missing, or the tenant policy refuses removals
  6/7  service or network error
  The first failing check decides the code.

Nothing is changed: with --call, doctor only lists the call's participants.

Examples:
  graphcall doctor --tenant contoso.onmicrosoft.com --client-id APP_ID --certificate app.pem
  graphcall doctor --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8 --output json
`;

/** Builds the `doctor` command. */
export function doctorCommand(io: Io, setExit: (code: number) => void) {
  return new Command("doctor")
    .description(
      "check credential, certificate, clock, token, roles, cloud and tenant policy; a fix per line",
    )
    .option("--call <id>", "also list this call's participants (read-only)")
    .option(
      "--require <operations>",
      "operations the app must be able to do, comma-separated: remove, get, mute, list, invite " +
        "(default: remove, and list with --call); the others only warn",
    )
    .addHelpText("after", DOCTOR_HELP)
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const connect = connectOptionsFrom(g, io);
      const operations = opts.require === undefined ? undefined : opts.require.split(",").map((
        s,
      ) => s.trim()).filter(Boolean) as OperationName[];
      if (operations && operations.length === 0) {
        throw new InvalidInputError("--require", "name at least one operation");
      }
      const report = await diagnose({
        ...connect,
        ...(opts.call !== undefined ? { callId: opts.call } : {}),
        ...(operations ? { operations } : {}),
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
      if (outputFormat(g) === "json") {
        printJson(io, { ok: shown.ok, exitCode: shown.exitCode, checks: shown.checks });
      } else {
        const fancy = io.isTerminal && !io.env("NO_COLOR");
        io.out(renderReport(shown, { fancy, ...(g.quiet ? { quiet: true } : {}) }));
      }
      setExit(report.exitCode);
    });
}
