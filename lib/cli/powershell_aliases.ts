/**
 * PowerShell cmdlet names as commands, with their parameter names (see parity.md): an admin can
 * paste `Remove-MgCommunicationCallParticipant -CallId X -ParticipantId Y -WhatIf`.
 *
 * Binding follows PowerShell's rules: cmdlet and parameter names are case-insensitive; a
 * parameter may be shortened to any prefix that names exactly one parameter (an exact name wins
 * over longer ones); switches take `-Name:$false`; values are `-Name value` or `-Name:value`.
 * An ambiguous or unknown parameter is a one-line usage error listing the candidates.
 * Options spelled the graphcall way (`--tenant X`) pass through unchanged.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";

/** How one PowerShell parameter becomes graphcall flags. */
export interface AliasParameter {
  /** The PowerShell name, e.g. `CallId`. */
  name: string;
  /** A switch takes no value. */
  switch?: boolean;
  /** The graphcall flag, e.g. `--call`; omitted when `translate` builds the flags. */
  flag?: string;
  /** Builds the flags from the value (e.g. a `@{...}` hashtable into repeated `--header`). */
  translate?: (value: string) => string[];
  /** Accepted but not supported: the hint said instead. */
  unsupported?: string;
  /** Chooses another command when given (e.g. `-ParticipantId` turns list into get). */
  command?: readonly string[];
}

/** A cmdlet and the graphcall command it stands for. */
export interface PowerShellAlias {
  /** The cmdlet name, e.g. `Remove-MgCommunicationCallParticipant`. */
  cmdlet: string;
  /** The graphcall command path, e.g. `["participant", "remove"]`. */
  command: readonly string[];
  /** Its parameters. */
  parameters: readonly AliasParameter[];
}

/**
 * Parses a PowerShell hashtable literal `@{Name="value"; Other='x'}` into pairs. Also accepts
 * `Name: value` and `Name=value` for one header.
 */
export function parseHashtable(text: string, field: string): [string, string][] {
  const t = text.trim();
  const m = /^@\{([\s\S]*)\}$/.exec(t);
  if (!m) {
    const single = /^([^:=\s]+)\s*[:=]\s*(.*)$/.exec(t);
    if (!single) {
      throw new InvalidInputError(
        field,
        `"${t.slice(0, 60)}" is not @{Name="value"} or Name: value`,
      );
    }
    return [[single[1]!, single[2]!.trim()]];
  }
  const pairs: [string, string][] = [];
  for (const entry of m[1]!.split(/[;\n]/).map((s) => s.trim()).filter(Boolean)) {
    const kv = /^(["']?)([^"'=]+)\1\s*=\s*(["'])([\s\S]*)\3$|^(["']?)([^"'=]+)\5\s*=\s*(\S+)$/
      .exec(entry);
    if (!kv) {
      throw new InvalidInputError(field, `cannot read "${entry.slice(0, 60)}" as Name="value"`);
    }
    pairs.push(kv[2] !== undefined ? [kv[2].trim(), kv[4]!] : [kv[6]!.trim(), kv[7]!]);
  }
  return pairs;
}

const HEADERS: AliasParameter = {
  name: "Headers",
  translate: (v) => parseHashtable(v, "-Headers").flatMap(([k, x]) => ["--header", `${k}: ${x}`]),
};
const WHAT_IF: AliasParameter = { name: "WhatIf", switch: true, flag: "--what-if" };
const CONFIRM: AliasParameter = { name: "Confirm", switch: true, flag: "--confirm" };
const PASS_THRU: AliasParameter = { name: "PassThru", switch: true, flag: "--pass-thru" };
const CALL_ID: AliasParameter = { name: "CallId", flag: "--call" };
const BODY: AliasParameter = { name: "BodyParameter", flag: "--body" };
const CLIENT_CONTEXT: AliasParameter = { name: "ClientContext", flag: "--client-context" };
const RESPONSE_HEADERS: AliasParameter = {
  name: "ResponseHeadersVariable",
  unsupported: "use --output json: the result carries requestId, clientRequestId and date",
};
const INPUT_OBJECT: AliasParameter = { name: "InputObject", flag: "--input-object" };

/** PowerShell's common parameters that every alias accepts. */
export const COMMON_PARAMETERS: readonly AliasParameter[] = [
  { name: "Verbose", switch: true, flag: "--verbose" },
  { name: "Debug", switch: true, flag: "--debug" },
];

/** Every cmdlet graphcall accepts, from parity.md. */
export const POWERSHELL_ALIASES: readonly PowerShellAlias[] = [
  {
    cmdlet: "Remove-MgCommunicationCallParticipant",
    command: ["participant", "remove"],
    parameters: [
      CALL_ID,
      { name: "ParticipantId", flag: "--participant" },
      { name: "IfMatch", flag: "--if-match" },
      PASS_THRU,
      HEADERS,
      WHAT_IF,
      CONFIRM,
      RESPONSE_HEADERS,
      INPUT_OBJECT,
    ],
  },
  {
    cmdlet: "Get-MgCommunicationCallParticipant",
    command: ["participant", "list"],
    parameters: [
      CALL_ID,
      { name: "ParticipantId", flag: "--participant", command: ["participant", "get"] },
      { name: "Top", flag: "--top" },
      { name: "All", switch: true, flag: "--all" },
      { name: "Filter", flag: "--filter" },
      { name: "Property", flag: "--select" },
      {
        name: "ExpandProperty",
        unsupported: "a participant has no relationships to expand in Graph; use -Property to " +
          "choose properties",
      },
      {
        name: "Headers",
        unsupported: "graphcall sends no extra headers when reading participants",
      },
      RESPONSE_HEADERS,
      INPUT_OBJECT,
    ],
  },
  {
    cmdlet: "Invoke-MgInviteCommunicationCallParticipant",
    command: ["participant", "invite"],
    parameters: [
      CALL_ID,
      BODY,
      CLIENT_CONTEXT,
      { name: "Participants", flag: "--participants" },
      PASS_THRU,
      HEADERS,
      WHAT_IF,
      CONFIRM,
      RESPONSE_HEADERS,
    ],
  },
  {
    cmdlet: "Invoke-MgMuteCommunicationCallParticipant",
    command: ["participant", "mute"],
    parameters: [
      CALL_ID,
      { name: "ParticipantId", flag: "--participant" },
      BODY,
      CLIENT_CONTEXT,
      PASS_THRU,
      WHAT_IF,
      CONFIRM,
      RESPONSE_HEADERS,
      INPUT_OBJECT,
    ],
  },
  {
    cmdlet: "Get-MgEnvironment",
    command: ["clouds"],
    parameters: [{ name: "Name", flag: "--name" }],
  },
  { cmdlet: "Get-MgContext", command: ["token", "--show-claims"], parameters: [] },
  {
    cmdlet: "New-SelfSignedCertificate",
    command: ["cert", "new"],
    parameters: [
      { name: "Subject", flag: "--subject" },
      { name: "KeyLength", flag: "--key-size" },
      { name: "Out", flag: "--out" },
      { name: "Years", flag: "--years" },
      { name: "Force", switch: true, flag: "--force" },
      {
        name: "CertStoreLocation",
        unsupported: "graphcall writes PEM files, not a certificate store; give -Out app.pem",
      },
      { name: "NotAfter", unsupported: "give -Years N (1 to 10)" },
    ],
  },
  {
    cmdlet: "Set-CsApplicationMeetingConfiguration",
    command: ["tenant", "setup"],
    parameters: [
      { name: "Identity", translate: () => [] },
      {
        name: "AllowRemoveParticipantAppIds",
        translate: (v) => {
          const pairs = parseHashtable(v, "-AllowRemoveParticipantAppIds");
          const [key, id] = pairs.length === 1 ? pairs[0]! : ["", ""];
          if (!/^(add|remove)$/i.test(key)) {
            throw new InvalidInputError(
              "-AllowRemoveParticipantAppIds",
              'give @{Add="APP_ID"} or @{Remove="APP_ID"}',
            );
          }
          return ["--app-id", id, ...(/^remove$/i.test(key) ? ["--revoke"] : [])];
        },
      },
      WHAT_IF,
      CONFIRM,
    ],
  },
];

/** Finds the alias for a cmdlet name, case-insensitively. */
export function findAlias(name: string): PowerShellAlias | undefined {
  const lower = name.toLowerCase();
  return POWERSHELL_ALIASES.find((a) => a.cmdlet.toLowerCase() === lower);
}

/**
 * Resolves a parameter name as PowerShell does: an exact name (any case) wins; otherwise the
 * one parameter the prefix names. Throws a usage error when none or several match.
 */
export function resolveParameter(
  alias: PowerShellAlias,
  given: string,
): AliasParameter {
  const all = [...alias.parameters, ...COMMON_PARAMETERS];
  const lower = given.toLowerCase();
  const exact = all.find((p) => p.name.toLowerCase() === lower);
  if (exact) return exact;
  const matches = all.filter((p) => p.name.toLowerCase().startsWith(lower));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new InvalidInputError(
      `-${given}`,
      `is ambiguous for ${alias.cmdlet}: it could be ${
        matches.map((p) => `-${p.name}`).join(", ")
      }`,
    );
  }
  throw new InvalidInputError(
    `-${given}`,
    `${alias.cmdlet} has no such parameter; it takes ${all.map((p) => `-${p.name}`).join(", ")}`,
  );
}

const PS_PARAMETER = /^-([A-Za-z][A-Za-z0-9]*)(?::([\s\S]*))?$/;

function switchValue(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === "$true" || v === "true" || v === "1") return true;
  if (v === "$false" || v === "false" || v === "0") return false;
  throw new InvalidInputError(`-${name}`, `is a switch: give -${name} or -${name}:$false`);
}

/** What translating an alias produced. */
export interface Translation {
  /** The alias used. */
  alias: PowerShellAlias;
  /** The graphcall command path chosen. */
  command: readonly string[];
  /** The argument vector to parse instead. */
  argv: string[];
  /** graphcall flags the parameters were mapped to (to check the command has them). */
  flags: string[];
}

/**
 * Translates `argv[index]` (a cmdlet name) and the arguments after it into graphcall's argv.
 * Arguments before `index` (global options) are kept as they are.
 */
export function translateAlias(argv: readonly string[], index: number): Translation | undefined {
  const alias = findAlias(argv[index] ?? "");
  if (!alias) return undefined;
  let command: readonly string[] = alias.command;
  const translated: string[] = [];
  const passThrough: string[] = [];
  const flags: string[] = [];
  const seen = new Set<string>();
  const rest = argv.slice(index + 1);
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    if (token === "-?" || /^-help$/i.test(token) || token === "--help" || token === "-h") {
      passThrough.push("--help");
      continue;
    }
    if (token.startsWith("--")) {
      passThrough.push(token);
      if (!token.includes("=") && rest[i + 1] !== undefined && !rest[i + 1]!.startsWith("-")) {
        passThrough.push(rest[++i]!);
      }
      continue;
    }
    const m = PS_PARAMETER.exec(token);
    if (!m) {
      throw new InvalidInputError(
        alias.cmdlet,
        `unexpected argument "${token.slice(0, 60)}": name its parameter, e.g. -${
          alias.parameters[0]?.name ?? "Name"
        } ${token.slice(0, 20)}`,
      );
    }
    const parameter = resolveParameter(alias, m[1]!);
    if (parameter.unsupported) {
      throw new InvalidInputError(
        `-${parameter.name}`,
        `is not supported: ${parameter.unsupported}`,
      );
    }
    const repeatable = parameter.name === "Headers";
    if (seen.has(parameter.name) && !repeatable) {
      throw new InvalidInputError(`-${parameter.name}`, "is given more than once");
    }
    seen.add(parameter.name);
    if (parameter.switch) {
      if (m[2] !== undefined && !switchValue(parameter.name, m[2])) continue;
      translated.push(parameter.flag!);
      flags.push(parameter.flag!);
      continue;
    }
    let value = m[2];
    if (value === undefined) {
      const next = rest[i + 1];
      if (next === undefined || PS_PARAMETER.test(next)) {
        throw new InvalidInputError(`-${parameter.name}`, "needs a value");
      }
      value = next;
      i++;
    }
    if (parameter.command) command = parameter.command;
    if (parameter.translate) {
      const out = parameter.translate(value);
      translated.push(...out);
      flags.push(...out.filter((t) => t.startsWith("--")));
    } else {
      translated.push(parameter.flag!, value);
      flags.push(parameter.flag!);
    }
  }
  return {
    alias,
    command,
    argv: [...argv.slice(0, index), ...command, ...translated, ...passThrough],
    flags,
  };
}
