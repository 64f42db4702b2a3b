/**
 * 1. Importing mod.ts by URL, as a user's script does, against an empty Deno script: the
 * repository's tracked files are served on loopback (as tests/distribution_import_url_test.ts
 * does), a script in a folder without deno.json imports `mod.ts` from that URL, checks that
 * `connect` is there, and exits.
 */

import { runChildChecked } from "../lib/child.ts";
import { type BenchContext, sampleOf } from "../lib/context.ts";
import { ROOT } from "../lib/fixture.ts";
import { interleave } from "../lib/interleave.ts";
import { profileChild, profileLine } from "../lib/profile.ts";
import { rowOf } from "../lib/rows.ts";
import type { Goal, Section } from "../lib/types.ts";

async function trackedFiles(): Promise<Set<string>> {
  const out = await new Deno.Command("git", {
    args: ["ls-files", "-z"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!out.success) throw new Error("git ls-files failed: the import row serves tracked files");
  return new Set(new TextDecoder().decode(out.stdout).split("\0").filter(Boolean));
}

/** Runs the import-by-URL benchmark. */
export async function benchImportUrl(
  ctx: BenchContext,
): Promise<{ section: Section; goal: Goal }> {
  const tracked = await trackedFiles();
  let served = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname).replace(/^\/+/, "");
    if (req.method !== "GET" || !tracked.has(path) || path.split("/").includes("..")) {
      return new Response("not found", { status: 404 });
    }
    served++;
    return new Response(await Deno.readFile(`${ROOT}/${path}`), {
      headers: { "content-type": path.endsWith(".ts") ? "application/typescript" : "text/plain" },
    });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const dir = `${ctx.dir}/import-url`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/script.ts`,
    `import * as graphcall from "${base}/mod.ts";\n` +
      `if (typeof graphcall.connect !== "function") Deno.exit(3);\n`,
  );
  await Deno.writeTextFile(`${dir}/empty.ts`, "");
  const flags = ["run", "--quiet", "--no-config", "--no-lock"];
  const specs = {
    mod: {
      cmd: Deno.execPath(),
      args: [...flags, `--allow-import=127.0.0.1:${server.addr.port}`, "script.ts"],
      cwd: dir,
    },
    empty: { cmd: Deno.execPath(), args: [...flags, "empty.ts"], cwd: dir },
  };
  try {
    // The warm-up (untimed) fills Deno's module cache: the timed runs are every run after the
    // first, what a user's script pays each time.
    const samples = await interleave(ctx.config.importReps, [
      { id: "mod", run: async () => sampleOf(await runChildChecked("import mod.ts", specs.mod)) },
      { id: "empty", run: async () => sampleOf(await runChildChecked("empty", specs.empty)) },
    ], { log: ctx.log });
    const anchor = { label: "empty script", samples: samples.get("empty")! };
    const rows = [
      rowOf("import.empty", "floor: deno run of an empty script (anchor)", anchor.samples),
      rowOf("import.mod", "import mod.ts by URL (loopback file server)", samples.get("mod")!, {
        anchor,
      }),
    ];
    const r = rows[1]!.ratio!;
    const goal: Goal = {
      id: "import_url",
      goal: "import mod.ts by URL at most 2× an empty Deno script",
      measured: `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)}); ` +
        `${rows[1]!.timeMs!.median.toFixed(0)} vs ${rows[0]!.timeMs!.median.toFixed(0)} ms`,
      met: r.median <= 2,
    };
    if (!goal.met && ctx.config.profileMisses) {
      goal.note = profileLine(await profileChild(specs.mod, ROOT));
    }
    return {
      section: {
        id: "import_url",
        title: "1. Import mod.ts by URL",
        reps: ctx.config.importReps,
        rows,
        notes: [
          "The repository's tracked files are served on 127.0.0.1; the script runs in a folder " +
          "without deno.json (`--no-config --no-lock`), like a user's. Deno's module cache is " +
          "warm (the untimed warm-up fetched every module): this is every run after the first.",
          `The file server answered ${served} module requests in all (the warm-up's).`,
        ],
      },
      goal,
    };
  } finally {
    await server.shutdown();
  }
}
