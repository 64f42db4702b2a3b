/**
 * OData query options of the emulated Graph: each is applied or refused with Graph's 400, never
 * silently ignored. System query options are matched case-insensitively, as Graph v1.0 does.
 *
 * `$filter` is a small subset: comparisons with `eq` and `ne` of a property path (`id`,
 * `isMuted`, `info/identity/user/id`, ...) with a string, number, boolean or `null`, joined with
 * `and`, `or`, `not` and parentheses. Anything else (other operators, functions, lambdas) is
 * refused with a 400 that says the emulator does not support it.
 *
 * @module
 */

/** A refused query, answered with 400 BadRequest. */
export interface QueryRefusal {
  /** Graph's message. */
  refusal: string;
}

/** Options as given, by lower-case name (`$top`, ...). */
export type QueryOptions = Map<string, string>;

/** Reads the `$` options of a URL; refuses unknown or repeated ones. */
export function queryOptions(
  params: URLSearchParams,
  allowed: readonly string[],
): QueryOptions | QueryRefusal {
  const out: QueryOptions = new Map();
  for (const [name, value] of params) {
    if (!name.startsWith("$")) continue;
    const key = name.toLowerCase();
    if (!allowed.includes(key)) {
      return { refusal: `Query option '${name}' is not supported on this resource.` };
    }
    if (out.has(key)) return { refusal: `Query option '${name}' was specified more than once.` };
    out.set(key, value);
  }
  return out;
}

/** A predicate over a resource's JSON. */
export type Filter = (json: Record<string, unknown>) => boolean;

type Token =
  | { t: "str"; v: string }
  | { t: "num"; v: number }
  | { t: "word"; v: string }
  | { t: "("; v: "(" }
  | { t: ")"; v: ")" };

function tokenize(text: string): Token[] | QueryRefusal {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")") {
      tokens.push({ t: c, v: c } as Token);
      i++;
      continue;
    }
    if (c === "'") {
      let v = "";
      i++;
      for (;;) {
        if (i >= text.length) return { refusal: "Invalid filter clause: unterminated string." };
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += text[i++];
      }
      tokens.push({ t: "str", v });
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(text.slice(i));
    if (num) {
      tokens.push({ t: "num", v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_@$][\w@$.]*(\/[A-Za-z_@$][\w@$.]*)*/.exec(text.slice(i));
    if (!word) return { refusal: `Invalid filter clause: unexpected '${c}'.` };
    tokens.push({ t: "word", v: word[0] });
    i += word[0].length;
  }
  return tokens;
}

const UNSUPPORTED = new Set(["gt", "ge", "lt", "le", "has", "in", "add", "sub", "mul", "div"]);

/** A property path, checked against the resource's known top-level properties. */
export type PathCheck = (path: string[]) => string | undefined;

/** Parses a `$filter`; `check` refuses unknown properties (returns the refusal text). */
export function parseFilter(text: string, check: PathCheck): Filter | QueryRefusal {
  const lexed = tokenize(text);
  if ("refusal" in lexed) return lexed;
  const tokens: Token[] = lexed;
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (w: string) => {
    const t = peek();
    return t?.t === "word" && t.v.toLowerCase() === w;
  };
  const fail = (message: string): never => {
    throw new FilterError(message);
  };

  function orExpr(): Filter {
    let left = andExpr();
    while (isWord("or")) {
      pos++;
      const l = left, r = andExpr();
      left = (j) => l(j) || r(j);
    }
    return left;
  }
  function andExpr(): Filter {
    let left = unary();
    while (isWord("and")) {
      pos++;
      const l = left, r = unary();
      left = (j) => l(j) && r(j);
    }
    return left;
  }
  function unary(): Filter {
    if (isWord("not")) {
      pos++;
      const inner = unary();
      return (j) => !inner(j);
    }
    if (peek()?.t === "(") {
      pos++;
      const inner = orExpr();
      if (peek()?.t !== ")") fail("Invalid filter clause: ')' expected.");
      pos++;
      return inner;
    }
    return comparison();
  }
  function literal(): unknown {
    const t = tokens[pos++];
    if (!t) return fail("Invalid filter clause: a value is expected.");
    if (t.t === "str" || t.t === "num") return t.v;
    if (t.t === "word") {
      const w = t.v.toLowerCase();
      if (w === "true") return true;
      if (w === "false") return false;
      if (w === "null") return null;
    }
    return fail(`Invalid filter clause: '${t.v}' is not a value.`);
  }
  function comparison(): Filter {
    const t = tokens[pos++];
    if (!t || t.t !== "word") return fail("Invalid filter clause: a property is expected.");
    if (peek()?.t === "(" || t.v.includes("/any") || t.v.includes("/all")) {
      return fail(`The emulator does not support the function '${t.v}' in $filter.`);
    }
    const path = t.v.split("/");
    const refused = check(path);
    if (refused) fail(refused);
    const op = tokens[pos++];
    const name = op?.t === "word" ? op.v.toLowerCase() : "";
    if (UNSUPPORTED.has(name)) {
      return fail(`The emulator does not support the operator '${name}' in $filter; use eq or ne.`);
    }
    if (name !== "eq" && name !== "ne") {
      return fail("Invalid filter clause: eq or ne expected after the property.");
    }
    const value = literal();
    return name === "eq" ? (j) => valueAt(j, path) === value : (j) => valueAt(j, path) !== value;
  }

  try {
    const filter = orExpr();
    if (pos !== tokens.length) fail("Invalid filter clause: unexpected text after the expression.");
    return filter;
  } catch (e) {
    if (e instanceof FilterError) return { refusal: e.message };
    throw e;
  }
}

class FilterError extends Error {}

/** The value at a path of a JSON object (undefined becomes null, as OData compares). */
export function valueAt(json: Record<string, unknown>, path: readonly string[]): unknown {
  let v: unknown = json;
  for (const p of path) {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
    v = (v as Record<string, unknown>)[p];
  }
  return v === undefined ? null : v;
}

/** One `$orderby` key. */
export interface OrderKey {
  /** The property path. */
  path: string[];
  /** Descending. */
  desc: boolean;
}

/** Parses `$orderby`. */
export function parseOrderBy(text: string, check: PathCheck): OrderKey[] | QueryRefusal {
  const keys: OrderKey[] = [];
  for (const part of text.split(",")) {
    const m = /^\s*([A-Za-z_][\w]*(?:\/[A-Za-z_][\w]*)*)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m) return { refusal: `Invalid $orderby clause '${part.trim()}'.` };
    const path = m[1]!.split("/");
    const refused = check(path);
    if (refused) return { refusal: refused };
    keys.push({ path, desc: (m[2] ?? "asc").toLowerCase() === "desc" });
  }
  return keys;
}

function rank(v: unknown): [number, string | number] {
  if (v === null || v === undefined) return [0, 0];
  if (typeof v === "boolean") return [1, v ? 1 : 0];
  if (typeof v === "number") return [2, v];
  if (typeof v === "string") return [3, v];
  return [4, JSON.stringify(v)];
}

/** Sorts JSON objects by `$orderby` keys (stable; nulls first ascending). */
export function sortBy(items: Record<string, unknown>[], keys: OrderKey[]): void {
  items.sort((a, b) => {
    for (const k of keys) {
      const [ra, va] = rank(valueAt(a, k.path));
      const [rb, vb] = rank(valueAt(b, k.path));
      const c = ra !== rb ? ra - rb : va < vb ? -1 : va > vb ? 1 : 0;
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  });
}

/** Parses a non-negative whole number option. */
export function wholeNumber(
  name: string,
  value: string | undefined,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined | QueryRefusal {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > max) {
    return { refusal: `Invalid value '${value}' for query option '${name}'.` };
  }
  return Number(value);
}

/** Parses `$select`: property names, each checked. */
export function parseSelect(
  value: string | undefined,
  known: ReadonlySet<string>,
  type: string,
): string[] | undefined | QueryRefusal {
  if (value === undefined) return undefined;
  const fields = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const f of fields) {
    if (!known.has(f)) {
      return { refusal: `Could not find a property named '${f}' on type '${type}'.` };
    }
  }
  return fields;
}
