/** Writes a run as Markdown (the table) and JSON (every figure). */

import type { Summary } from "./stats.ts";
import type { BenchResult, Row, Section } from "./types.ts";

function fmt(x: number): string {
  const a = Math.abs(x);
  if (a >= 1000) return x.toFixed(0);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** `median (min–max)`, or an em dash when absent. */
export function mmm(s: Summary | undefined, suffix = ""): string {
  if (!s) return "—";
  if (s.n === 1 || s.min === s.max) return `${fmt(s.median)}${suffix}`;
  return `${fmt(s.median)}${suffix} (${fmt(s.min)}–${fmt(s.max)})`;
}

function ratio(s: Summary | undefined): string {
  return s ? mmm(s, "×") : "—";
}

const COLUMNS: { head: string; cell: (r: Row) => string }[] = [
  { head: "contender", cell: (r) => r.label },
  { head: "time, ms", cell: (r) => r.timeMs ? mmm(r.timeMs) : "" },
  { head: "figure", cell: (r) => r.value ? `${mmm(r.value.summary)} ${r.value.unit}` : "" },
  {
    head: "ratio",
    cell: (r) => r.ratio ? `${ratio(r.ratio)}${r.anchor ? ` of ${r.anchor}` : ""}` : "",
  },
  { head: "peak RSS, MiB", cell: (r) => r.rssMiB ? mmm(r.rssMiB) : "" },
  { head: "status", cell: (r) => r.status ?? "" },
];

function sectionMd(s: Section): string {
  const cols = COLUMNS.filter((c, i) => i === 0 || s.rows.some((r) => c.cell(r) !== ""));
  const lines = [
    `### ${s.title}`,
    "",
    `${s.method ?? `${s.reps} repetition(s) per contender, interleaved`}. ` +
    "Figures: median (min–max).",
    "",
    `| ${cols.map((c) => c.head).join(" | ")} |`,
    `| ${cols.map(() => "---").join(" | ")} |`,
    ...s.rows.map((r) => `| ${cols.map((c) => c.cell(r) || "—").join(" | ")} |`),
  ];
  if (s.notes.length > 0) lines.push("", ...s.notes.map((n) => `- ${n}`));
  return lines.join("\n");
}

/** The goals table, one line each (Markdown). */
export function goalsTable(result: BenchResult): string[] {
  return [
    "| goal | measured | met? |",
    "| --- | --- | --- |",
    ...result.goals.map((g) =>
      `| ${g.goal} | ${g.measured} | ${
        g.informational ? "shown" : g.met === null ? "not measured" : g.met ? "met" : "**not met**"
      } |`
    ),
  ];
}

/** The Markdown report. */
export function toMarkdown(result: BenchResult): string {
  const head: string[] = result.mode === "quick"
    ? [
      "> **QUICK / SMOKE RUN.** Few repetitions on a possibly busy machine: the figures are",
      "> noisy and are NOT the published table. Run `deno task bench` (full mode) on a quiet",
      "> machine for that.",
      "",
    ]
    : [];
  if (result.only) {
    head.push(
      `> **PARTIAL RUN** (\`--only=${result.only.join(",")}\`): not the published table.`,
      "",
    );
  }
  const goals = goalsTable(result);
  const goalNotes = result.goals.filter((g) => g.note).map((g) => `- **${g.goal}**: ${g.note}`);
  const machine = Object.entries(result.machine).map(([k, v]) => `- ${k}: ${v}`);
  return [
    `## graphcall benchmarks (${result.mode} mode)`,
    "",
    ...head,
    `Run ${result.startedAt}, took ${result.durationS.toFixed(0)} s.`,
    "",
    ...machine,
    "",
    "### Goals",
    "",
    ...goals,
    ...(goalNotes.length > 0 ? ["", ...goalNotes] : []),
    "",
    ...result.sections.flatMap((s) => [sectionMd(s), ""]),
    ...(result.notes.length > 0 ? ["### Notes", "", ...result.notes.map((n) => `- ${n}`), ""] : []),
  ].join("\n");
}

/** Writes latest.md and latest.json into `dir`. */
export async function writeReport(dir: string, result: BenchResult): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const md = `${dir}/latest.md`;
  const json = `${dir}/latest.json`;
  await Deno.writeTextFile(md, toMarkdown(result));
  await Deno.writeTextFile(json, JSON.stringify(result, null, 2) + "\n");
  return [md, json];
}
