/**
 * Reading raw option values (as the parser leaves them) with their type: a text, a list of texts
 * (repeatable options), or a switch. The parser has already checked each value against its spec,
 * so these only narrow the type.
 *
 * @module
 */

import type { RawOptions } from "./spec.ts";

/** The text of an option that takes a value, or undefined when it was not given. */
export function text(raw: RawOptions, key: string): string | undefined {
  const v = raw[key];
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.at(-1);
  return undefined;
}

/** The values of a repeatable option, or undefined when it was not given. */
export function list(raw: RawOptions, key: string): string[] | undefined {
  const v = raw[key];
  if (Array.isArray(v)) return [...v];
  if (typeof v === "string") return [v];
  return undefined;
}

/** Whether a switch was given (`--no-x` switches are false when given). */
export function flag(raw: RawOptions, key: string): boolean {
  return raw[key] === true;
}
