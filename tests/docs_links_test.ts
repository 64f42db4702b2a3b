/**
 * Every relative link and every `#anchor` in README.md and docs/*.md resolves: the file exists,
 * and the anchor is a heading of it (GitHub's slugs: lower case, punctuation dropped, spaces to
 * hyphens, repeats numbered). A section of the README named in prose (`the README ("Exit
 * codes")`, `the README's "Exit codes"`) must exist too.
 */

import assert from "node:assert/strict";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** GitHub's anchor for a heading's text. */
export function slug(heading: string): string {
  return heading
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of a Markdown file's headings (outside fenced code). */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const counts = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The links of a Markdown file (outside fenced code and inline code). */
function links(markdown: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const text = line.replace(/`[^`]*`/g, "");
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push(m[1]!);
    for (const m of text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/g)) out.push(m[1]!);
  }
  return out;
}

async function markdownFiles(): Promise<string[]> {
  const files = ["README.md"];
  for await (const e of Deno.readDir(join(ROOT, "docs"))) {
    if (e.isFile && e.name.endsWith(".md")) files.push(`docs/${e.name}`);
  }
  return files.sort();
}

Deno.test("GitHub heading anchors: lower case, punctuation dropped, spaces to hyphens", () => {
  assert.equal(slug("Exit codes"), "exit-codes");
  assert.equal(slug("`--debug`"), "--debug");
  assert.equal(slug("Behind a corporate proxy"), "behind-a-corporate-proxy");
  assert.equal(slug("Quick start, on the emulator first"), "quick-start-on-the-emulator-first");
  assert.equal(slug("JSON documents (`--output json`)"), "json-documents---output-json");
});

Deno.test("every relative link and #anchor in README.md and docs/*.md resolves", async () => {
  const broken: string[] = [];
  const cache = new Map<string, Set<string>>();
  const anchorsOf = async (path: string) => {
    if (!cache.has(path)) cache.set(path, anchors(await Deno.readTextFile(join(ROOT, path))));
    return cache.get(path)!;
  };
  let checked = 0;
  for (const file of await markdownFiles()) {
    const text = await Deno.readTextFile(join(ROOT, file));
    for (const link of links(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
      checked++;
      const [target, anchor] = link.split("#", 2) as [string, string | undefined];
      const path = target === "" ? file : normalize(join(dirname(file), decodeURI(target)));
      const stat = await Deno.stat(join(ROOT, path)).catch(() => null);
      if (!stat) {
        broken.push(`${file}: ${link} (no file ${path})`);
        continue;
      }
      if (anchor !== undefined && path.endsWith(".md") && !(await anchorsOf(path)).has(anchor)) {
        broken.push(`${file}: ${link} (no heading #${anchor} in ${path})`);
      }
    }
  }
  assert.ok(checked > 5, `found ${checked} links`);
  assert.deepEqual(broken, []);
});

Deno.test("every README section a document names in prose exists", async () => {
  const readme = anchors(await Deno.readTextFile(join(ROOT, "README.md")));
  const missing: string[] = [];
  for (const file of await markdownFiles()) {
    const text = (await Deno.readTextFile(join(ROOT, file))).replace(/\s*\n\s*/g, " ");
    for (const m of text.matchAll(/README(?:'s)?\s*\(?\s*"([^"]+)"/g)) {
      if (!readme.has(slug(m[1]!))) missing.push(`${file}: README section "${m[1]}"`);
    }
  }
  assert.deepEqual(missing, []);
});
