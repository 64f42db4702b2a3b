/**
 * A progress bar on stderr for bulk operations, drawn only on a terminal (never in a pipe, in
 * GitHub Actions, with `--quiet` or with `--output json`'s consumers reading stderr logs).
 *
 * @module
 */

import { inGithubActions } from "./github_actions.ts";
import type { Io } from "./io.ts";

/** A progress indicator. */
export interface Progress {
  /** One more item is done. */
  tick(label?: string): void;
  /** Clears the bar. */
  done(): void;
}

const WIDTH = 24;

/** Draws `[#####-----] 3/10 label` lines, rewritten in place with `\r`. */
export function progressBar(io: Io, total: number, options: { quiet?: boolean } = {}): Progress {
  if (!io.isTerminal || options.quiet || inGithubActions(io) || total < 2) {
    return { tick() {}, done() {} };
  }
  let count = 0;
  let drawn = false;
  const draw = (label: string) => {
    const filled = Math.round((count / total) * WIDTH);
    const bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
    io.err(`\r\x1b[2K[${bar}] ${count}/${total}${label ? " " + label.slice(0, 40) : ""}`);
    drawn = true;
  };
  return {
    tick(label = "") {
      count = Math.min(total, count + 1);
      draw(label);
    },
    done() {
      if (drawn) io.err("\r\x1b[2K");
    },
  };
}
