/**
 * PowerShell cmdlet names as commands, with their parameter names (see parity.md): an admin can
 * paste `Remove-MgCommunicationCallParticipant -CallId X -ParticipantId Y -WhatIf`.
 *
 * Binding follows PowerShell's rules, checked against real PowerShell 7 by
 * tests/powershell_parity_test.ts:
 * - cmdlet and parameter names are case-insensitive; an exact name or alias wins; otherwise a
 *   prefix must name one parameter; when it names several, and exactly one of them is the
 *   cmdlet's own (not a common parameter such as `-InformationAction` or `-WhatIf`), that one wins;
 * - values are `-Name value`, `-Name:value` or `-Name: value`; switches take `-Name:$false` or
 *   `-Name:$true` (common switches also a number); a parameter given twice is an error;
 * - every parameter the real cmdlet has is known, so prefixes are ambiguous exactly where they
 *   are in PowerShell; the ones graphcall cannot honour are refused with the graphcall way;
 * - the parameter set is resolved from the names given (with the cmdlet's default set), and
 *   a missing mandatory parameter or parameters of different sets are one-line usage errors;
 * - a value without a name binds to the positional parameter, if the cmdlet has one.
 *
 * Options spelled the graphcall way (`--tenant X`) pass through unchanged; with any of them the
 * mandatory-parameter check is left to the graphcall command (they may supply the input).
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";

/** Where a parameter sits in one parameter set. */
export interface ParameterSetMembership {
  /** Required in this set. */
  mandatory?: boolean;
  /** Binds the first (0) or a later value given without a name. */
  position?: number;
}

/** How one PowerShell parameter becomes graphcall flags. */
export interface AliasParameter {
  /** The PowerShell name, e.g. `CallId`. */
  name: string;
  /** The cmdlet's own aliases of the name, e.g. `RHV`. */
  aliases?: readonly string[];
  /** A switch takes no value. */
  switch?: boolean;
  /** The graphcall flag, e.g. `--call`; omitted when `translate` builds the flags. */
  flag?: string;
  /** Builds the flags from the value (e.g. a `@{...}` hashtable into repeated `--header`). */
  translate?: (value: string) => string[];
  /** The real cmdlet has it but graphcall cannot honour it: the hint said instead. */
  unsupported?: string;
  /**
   * graphcall's own addition, which the real cmdlet does not have (why it exists). The parity
   * test exempts it from agreeing with PowerShell.
   */
  extension?: string;
  /**
   * A common parameter (`-Verbose`, `-ErrorAction`, ...) or a ShouldProcess one (`-WhatIf`,
   * `-Confirm`): it loses prefix ties to the cmdlet's own parameters.
   */
  common?: boolean;
  /** The parameter sets it belongs to; absent: every set, optional, named. */
  sets?: Readonly<Record<string, ParameterSetMembership>>;
}

/** A cmdlet and the graphcall command it stands for. */
export interface PowerShellAlias {
  /** The cmdlet name, e.g. `Remove-MgCommunicationCallParticipant`. */
  cmdlet: string;
  /** The graphcall command path, e.g. `["participant", "remove"]`. */
  command: readonly string[];
  /** The cmdlet's own parameters (the common ones are added from {@link COMMON_PARAMETERS}). */
  parameters: readonly AliasParameter[];
  /** PowerShell's DefaultParameterSetName, when the cmdlet has sets. */
  defaultSet?: string;
  /** The graphcall command for a parameter set, where it differs from `command`. */
  setCommands?: Readonly<Record<string, readonly string[]>>;
}

/** PowerShell's name for the one set of a cmdlet that declares none. */
export const ALL_PARAMETER_SETS = "__AllParameterSets";

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

const STREAMS = "graphcall is a separate program: PowerShell's streams and variables do not " +
  "reach it; it exits non-zero on failure and --output json gives the result as data";

/** PowerShell's common parameters, which every cmdlet has. */
export const COMMON_PARAMETERS: readonly AliasParameter[] = [
  { name: "Verbose", aliases: ["vb"], switch: true, flag: "--verbose", common: true },
  { name: "Debug", aliases: ["db"], switch: true, flag: "--debug", common: true },
  ...[
    ["ErrorAction", "ea"],
    ["WarningAction", "wa"],
    ["InformationAction", "infa"],
    ["ProgressAction", "proga"],
    ["ErrorVariable", "ev"],
    ["WarningVariable", "wv"],
    ["InformationVariable", "iv"],
    ["OutVariable", "ov"],
    ["OutBuffer", "ob"],
    ["PipelineVariable", "pv"],
  ].map(([name, alias]): AliasParameter => ({
    name: name!,
    aliases: [alias!],
    common: true,
    unsupported: STREAMS,
  })),
];

const WHAT_IF: AliasParameter = {
  name: "WhatIf",
  aliases: ["wi"],
  switch: true,
  flag: "--what-if",
  common: true,
};
const CONFIRM: AliasParameter = {
  name: "Confirm",
  aliases: ["cf"],
  switch: true,
  flag: "--confirm",
  common: true,
};
const PASS_THRU: AliasParameter = { name: "PassThru", switch: true, flag: "--pass-thru" };
const HEADERS: AliasParameter = {
  name: "Headers",
  translate: (v) => parseHashtable(v, "-Headers").flatMap(([k, x]) => ["--header", `${k}: ${x}`]),
};
const RESPONSE_HEADERS: AliasParameter = {
  name: "ResponseHeadersVariable",
  aliases: ["RHV"],
  unsupported: "use --output json: the result carries requestId, clientRequestId and date",
};
const CLIENT_CONTEXT = "--client-context";

/** The transport parameters every Microsoft Graph PowerShell cmdlet has. */
const GRAPH_SDK_TRANSPORT: readonly AliasParameter[] = [
  { name: "Break", switch: true, unsupported: "it waits for a .NET debugger; graphcall has none" },
  {
    name: "HttpPipelineAppend",
    unsupported: "graphcall's HTTP pipeline is not scriptable; use --debug to see each request",
  },
  {
    name: "HttpPipelinePrepend",
    unsupported: "graphcall's HTTP pipeline is not scriptable; use --debug to see each request",
  },
  { name: "Proxy", unsupported: "set HTTPS_PROXY (and NO_PROXY) in the environment" },
  {
    name: "ProxyCredential",
    unsupported: "put the credentials in HTTPS_PROXY (http://user:password@host:port)",
  },
  {
    name: "ProxyUseDefaultCredentials",
    switch: true,
    unsupported: "put the credentials in HTTPS_PROXY (http://user:password@host:port)",
  },
];

const mandatoryIn = (...sets: string[]) =>
  Object.fromEntries(sets.map((s) => [s, { mandatory: true }]));
const optionalIn = (...sets: string[]) => Object.fromEntries(sets.map((s) => [s, {}]));

const IDENTITY_HINT = '(a file or - with {"callId", "participantId"} JSON)';

/** New-MgCommunicationCall's expanded parameters: the properties of the call it creates. */
const CALL_PROPERTIES: readonly string[] = [
  "AdditionalProperties",
  "AudioRoutingGroups",
  "CallChainId",
  "CallOptions",
  "CallRoutes",
  "CallbackUri",
  "ChatInfo",
  "ContentSharingSessions",
  "Direction",
  "Id",
  "IncomingContext",
  "MediaConfig",
  "MediaState",
  "MeetingInfo",
  "MyParticipantId",
  "Operations",
  "Participants",
  "RequestedModalities",
  "ResultInfo",
  "Source",
  "State",
  "Subject",
  "Targets",
  "TenantId",
  "ToneInfo",
  "Transcription",
];

const JOIN_BODY_HINT =
  "give the whole call body with -BodyParameter FILE (JSON), or let graphcall " +
  "build it: graphcall meeting join --join-url URL";

/** Every cmdlet graphcall accepts, from parity.md, with the real cmdlets' parameters. */
export const POWERSHELL_ALIASES: readonly PowerShellAlias[] = [
  {
    cmdlet: "Remove-MgCommunicationCallParticipant",
    command: ["participant", "remove"],
    defaultSet: "Delete",
    parameters: [
      { name: "CallId", flag: "--call", sets: mandatoryIn("Delete") },
      { name: "ParticipantId", flag: "--participant", sets: mandatoryIn("Delete") },
      PASS_THRU,
      {
        name: "InputObject",
        flag: "--input-object",
        sets: mandatoryIn("DeleteViaIdentity"),
      },
      { name: "IfMatch", flag: "--if-match" },
      RESPONSE_HEADERS,
      HEADERS,
      ...GRAPH_SDK_TRANSPORT,
      WHAT_IF,
      CONFIRM,
    ],
  },
  {
    cmdlet: "Get-MgCommunicationCallParticipant",
    command: ["participant", "list"],
    defaultSet: "List",
    setCommands: { Get: ["participant", "get"] },
    parameters: [
      { name: "CallId", flag: "--call", sets: mandatoryIn("List", "Get") },
      { name: "ParticipantId", flag: "--participant", sets: mandatoryIn("Get") },
      {
        name: "InputObject",
        sets: mandatoryIn("GetViaIdentity"),
        unsupported: `give -CallId and -ParticipantId, or --input-object ${IDENTITY_HINT}`,
      },
      {
        name: "ExpandProperty",
        aliases: ["Expand"],
        unsupported: "a participant has no relationships to expand in Graph; use -Property to " +
          "choose properties",
      },
      { name: "Property", aliases: ["Select"], flag: "--select" },
      { name: "Filter", flag: "--filter", sets: optionalIn("List") },
      {
        name: "Search",
        sets: optionalIn("List"),
        unsupported: "Graph does not search a call's participants; use -Filter",
      },
      {
        name: "Skip",
        sets: optionalIn("List"),
        unsupported: "Graph does not skip in a call's participants; use -Top and -All",
      },
      {
        name: "Sort",
        aliases: ["OrderBy"],
        sets: optionalIn("List"),
        unsupported: "Graph does not sort a call's participants",
      },
      { name: "Top", aliases: ["Limit"], flag: "--top", sets: optionalIn("List") },
      RESPONSE_HEADERS,
      {
        name: "Headers",
        unsupported: "graphcall sends no extra headers when reading participants",
      },
      ...GRAPH_SDK_TRANSPORT,
      {
        name: "PageSize",
        sets: optionalIn("List"),
        unsupported: "graphcall follows Graph's pages itself; use -Top or -All",
      },
      { name: "All", switch: true, flag: "--all", sets: optionalIn("List") },
      {
        name: "CountVariable",
        aliases: ["CV"],
        sets: optionalIn("List"),
        unsupported: STREAMS,
      },
    ],
  },
  {
    cmdlet: "Invoke-MgInviteCommunicationCallParticipant",
    command: ["participant", "invite"],
    defaultSet: "InviteExpanded",
    parameters: [
      { name: "CallId", flag: "--call", sets: mandatoryIn("InviteExpanded", "Invite") },
      {
        name: "InputObject",
        sets: mandatoryIn("InviteViaIdentityExpanded", "InviteViaIdentity"),
        unsupported: "give -CallId",
      },
      { name: "BodyParameter", flag: "--body", sets: mandatoryIn("Invite", "InviteViaIdentity") },
      RESPONSE_HEADERS,
      {
        name: "AdditionalProperties",
        sets: optionalIn("InviteExpanded", "InviteViaIdentityExpanded"),
        unsupported: "give the whole request body with -BodyParameter FILE",
      },
      {
        name: "ClientContext",
        flag: CLIENT_CONTEXT,
        sets: optionalIn("InviteExpanded", "InviteViaIdentityExpanded"),
      },
      {
        name: "Participants",
        flag: "--participants",
        sets: optionalIn("InviteExpanded", "InviteViaIdentityExpanded"),
      },
      HEADERS,
      ...GRAPH_SDK_TRANSPORT,
      WHAT_IF,
      CONFIRM,
    ],
  },
  {
    cmdlet: "Invoke-MgMuteCommunicationCallParticipant",
    command: ["participant", "mute"],
    defaultSet: "MuteExpanded",
    parameters: [
      { name: "CallId", flag: "--call", sets: mandatoryIn("MuteExpanded", "Mute") },
      { name: "ParticipantId", flag: "--participant", sets: mandatoryIn("MuteExpanded", "Mute") },
      {
        name: "InputObject",
        flag: "--input-object",
        sets: mandatoryIn("MuteViaIdentityExpanded", "MuteViaIdentity"),
      },
      { name: "BodyParameter", flag: "--body", sets: mandatoryIn("Mute", "MuteViaIdentity") },
      RESPONSE_HEADERS,
      {
        name: "AdditionalProperties",
        sets: optionalIn("MuteExpanded", "MuteViaIdentityExpanded"),
        unsupported: "give the whole request body with -BodyParameter FILE",
      },
      {
        name: "ClientContext",
        flag: CLIENT_CONTEXT,
        sets: optionalIn("MuteExpanded", "MuteViaIdentityExpanded"),
      },
      {
        name: "Headers",
        unsupported: "graphcall sends extra headers on a single removal only",
      },
      ...GRAPH_SDK_TRANSPORT,
      WHAT_IF,
      CONFIRM,
    ],
  },
  {
    cmdlet: "New-MgCommunicationCall",
    command: ["meeting", "join"],
    defaultSet: "CreateExpanded",
    parameters: [
      { name: "BodyParameter", flag: "--body", sets: mandatoryIn("Create") },
      RESPONSE_HEADERS,
      ...CALL_PROPERTIES.map((name): AliasParameter => ({
        name,
        sets: optionalIn("CreateExpanded"),
        unsupported: JOIN_BODY_HINT,
      })),
      { name: "Headers", unsupported: "graphcall sends no extra headers when it joins" },
      ...GRAPH_SDK_TRANSPORT,
      WHAT_IF,
      CONFIRM,
    ],
  },
  {
    cmdlet: "Get-MgCommunicationCall",
    command: ["call", "get"],
    defaultSet: "Get",
    parameters: [
      { name: "CallId", flag: "--call", sets: mandatoryIn("Get") },
      {
        name: "InputObject",
        sets: mandatoryIn("GetViaIdentity"),
        unsupported: "give -CallId (the app's call id)",
      },
      {
        name: "ExpandProperty",
        aliases: ["Expand"],
        unsupported: "graphcall shows the call itself; list its participants with " +
          "graphcall participant list --call ID",
      },
      {
        name: "Property",
        aliases: ["Select"],
        unsupported: "graphcall shows the whole call; take the properties you need from " +
          "--output json",
      },
      RESPONSE_HEADERS,
      { name: "Headers", unsupported: "graphcall sends no extra headers when reading a call" },
      ...GRAPH_SDK_TRANSPORT,
    ],
  },
  {
    cmdlet: "Remove-MgCommunicationCall",
    command: ["call", "hang-up"],
    defaultSet: "Delete",
    parameters: [
      { name: "CallId", flag: "--call", sets: mandatoryIn("Delete") },
      {
        name: "InputObject",
        sets: mandatoryIn("DeleteViaIdentity"),
        unsupported: "give -CallId (the app's call id)",
      },
      {
        name: "IfMatch",
        unsupported: "Graph's hang-up (DELETE /communications/calls/{id}) takes no If-Match " +
          "header; leave it out",
      },
      RESPONSE_HEADERS,
      { name: "Headers", unsupported: "graphcall sends no extra headers when hanging up" },
      PASS_THRU,
      ...GRAPH_SDK_TRANSPORT,
      WHAT_IF,
      CONFIRM,
    ],
  },
  {
    cmdlet: "Get-MgEnvironment",
    command: ["clouds"],
    parameters: [{ name: "Name", flag: "--name", sets: { [ALL_PARAMETER_SETS]: { position: 0 } } }],
  },
  {
    cmdlet: "Get-MgContext",
    command: ["token", "--show-claims"],
    defaultSet: "UserParameterSet",
    parameters: [],
  },
  {
    cmdlet: "New-SelfSignedCertificate",
    command: ["cert", "new"],
    parameters: [
      { name: "Subject", flag: "--subject" },
      { name: "KeyLength", flag: "--key-size" },
      { name: "Out", flag: "--out", extension: "graphcall writes a PEM file, not a store" },
      { name: "Years", flag: "--years", extension: "the validity, instead of -NotAfter" },
      { name: "Force", switch: true, flag: "--force", extension: "overwrite existing files" },
      {
        name: "CertStoreLocation",
        unsupported: "graphcall writes PEM files, not a certificate store; give -Out app.pem",
      },
      { name: "NotAfter", unsupported: "give -Years N (1 to 10)" },
      ...[
        "SecurityDescriptor",
        "TextExtension",
        "Extension",
        "HardwareKeyUsage",
        "KeyUsageProperty",
        "KeyUsage",
        "KeyProtection",
        "KeyExportPolicy",
        "KeyAlgorithm",
        "KeyLocation",
        "SignerReader",
        "Reader",
        "SignerPin",
        "Pin",
        "KeyDescription",
        "KeyFriendlyName",
        "Container",
        "Provider",
        "CurveExport",
        "KeySpec",
        "Type",
        "FriendlyName",
        "NotBefore",
        "SerialNumber",
        "DnsName",
        "SuppressOid",
        "HashAlgorithm",
        "Signer",
        "CloneCert",
      ].map((name): AliasParameter => ({
        name,
        unsupported: "graphcall makes an RSA key and a self-signed certificate for app " +
          "sign-in only: -Subject, -KeyLength, -Years, -Out",
      })),
      ...["SmimeCapabilities", "ExistingKey", "AlternateSignatureAlgorithm", "TestRoot"].map((
        name,
      ): AliasParameter => ({
        name,
        switch: true,
        unsupported: "graphcall makes an RSA key and a self-signed certificate for app " +
          "sign-in only: -Subject, -KeyLength, -Years, -Out",
      })),
      { ...WHAT_IF, flag: undefined, unsupported: "cert new only writes the files you name" },
      { ...CONFIRM, flag: undefined, unsupported: "cert new only writes the files you name" },
    ],
  },
  {
    cmdlet: "Set-CsApplicationMeetingConfiguration",
    command: ["tenant", "setup"],
    defaultSet: "Identity",
    parameters: [
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
      // The tenant has one, global, configuration: -Identity and -Force change nothing.
      { name: "Force", switch: true, translate: () => [] },
      { name: "Identity", translate: () => [], sets: { Identity: { position: 1 } } },
      {
        name: "Instance",
        sets: optionalIn("Instance"),
        unsupported: 'give -AllowRemoveParticipantAppIds @{Add="APP_ID"}',
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

/** The parameters of a cmdlet as PowerShell binds them: its own, then the common ones. */
export function aliasParameters(alias: PowerShellAlias): AliasParameter[] {
  const own = new Set(alias.parameters.map((p) => p.name.toLowerCase()));
  return [...alias.parameters, ...COMMON_PARAMETERS.filter((p) => !own.has(p.name.toLowerCase()))];
}

/** The parameter sets of a cmdlet (one, {@link ALL_PARAMETER_SETS}, when it declares none). */
export function parameterSets(alias: PowerShellAlias): string[] {
  const names = new Set<string>(alias.defaultSet ? [alias.defaultSet] : []);
  for (const p of alias.parameters) {
    for (const set of Object.keys(p.sets ?? {})) {
      if (set !== ALL_PARAMETER_SETS) names.add(set);
    }
  }
  return names.size > 0 ? [...names] : [ALL_PARAMETER_SETS];
}

function setsOf(alias: PowerShellAlias, p: AliasParameter): string[] {
  const declared = Object.keys(p.sets ?? {}).filter((s) => s !== ALL_PARAMETER_SETS);
  return declared.length > 0 ? declared : parameterSets(alias);
}

function membership(p: AliasParameter, set: string): ParameterSetMembership | undefined {
  return p.sets?.[set] ?? p.sets?.[ALL_PARAMETER_SETS] ??
    (p.sets && Object.keys(p.sets).some((s) => s !== ALL_PARAMETER_SETS) ? undefined : {});
}

const dashed = (list: readonly AliasParameter[]) => list.map((p) => `-${p.name}`).join(", ");

/**
 * Resolves a parameter name as PowerShell does: an exact name or alias (any case) wins;
 * otherwise the one parameter the prefix names; of several, the one that is the cmdlet's own
 * when only one is. Throws a usage error when none or several match.
 */
export function resolveParameter(alias: PowerShellAlias, given: string): AliasParameter {
  const all = aliasParameters(alias);
  const lower = given.toLowerCase();
  const names = (p: AliasParameter) => [p.name, ...(p.aliases ?? [])].map((n) => n.toLowerCase());
  const exact = all.find((p) => names(p).includes(lower));
  if (exact) return exact;
  const matches = all.filter((p) => names(p).some((n) => n.startsWith(lower)));
  if (matches.length === 1) return matches[0]!;
  const own = matches.filter((p) => !p.common);
  if (own.length === 1) return own[0]!;
  if (matches.length > 1) {
    throw new InvalidInputError(
      `-${given}`,
      `is ambiguous for ${alias.cmdlet}: it could be ${dashed(matches)}`,
    );
  }
  throw new InvalidInputError(
    `-${given}`,
    `${alias.cmdlet} has no such parameter; it takes ${dashed(all.filter((p) => !p.unsupported))}`,
  );
}

const PS_PARAMETER = /^-([A-Za-z_][A-Za-z0-9_]*)(:)?([\s\S]*)$/;

function isParameterToken(token: string | undefined): boolean {
  return token !== undefined && /^-[A-Za-z_]/.test(token) && !token.startsWith("--");
}

/**
 * A switch's `:value`, as PowerShell takes it: `$true` or `$false`; a common or ShouldProcess
 * switch (`-Verbose:0`, `-WhatIf:1`) also takes a whole number (0 is false).
 */
function switchValue(parameter: AliasParameter, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === "$true") return true;
  if (v === "$false") return false;
  if (parameter.common && /^\d+$/.test(v)) return Number(v) !== 0;
  const name = parameter.name;
  throw new InvalidInputError(
    `-${name}`,
    `is a switch: give -${name}, -${name}:$true or -${name}:$false`,
  );
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
  /** The parameters bound, by their full names: the value, or a switch's state. */
  bound: Record<string, string | boolean>;
  /** The parameter set PowerShell would choose. */
  parameterSet: string;
}

interface Bound {
  parameter: AliasParameter;
  value: string | boolean;
}

function chooseSet(
  alias: PowerShellAlias,
  bound: readonly Bound[],
  checkMandatory: boolean,
): string {
  const all = parameterSets(alias);
  let candidates = all;
  for (const { parameter } of bound) {
    const sets = setsOf(alias, parameter);
    candidates = candidates.filter((s) => sets.includes(s));
  }
  const given = bound.map((b) => `-${b.parameter.name}`).join(" ");
  if (candidates.length === 0) {
    throw new InvalidInputError(
      alias.cmdlet,
      `these parameters cannot be used together: ${given}`,
    );
  }
  const missing = (set: string) =>
    aliasParameters(alias).filter((p) =>
      membership(p, set)?.mandatory && !bound.some((b) => b.parameter === p)
    );
  const satisfied = candidates.filter((s) => missing(s).length === 0);
  let chosen: string | undefined;
  if (satisfied.length === 1) chosen = satisfied[0];
  else if (satisfied.length > 1) {
    chosen = alias.defaultSet && satisfied.includes(alias.defaultSet)
      ? alias.defaultSet
      : undefined;
  } else if (candidates.length === 1) chosen = candidates[0];
  else if (alias.defaultSet && candidates.includes(alias.defaultSet)) chosen = alias.defaultSet;
  if (chosen === undefined) {
    if (!checkMandatory) return candidates[0]!;
    throw new InvalidInputError(
      alias.cmdlet,
      `cannot tell which parameters you mean from ${given || "none"}: add ${
        candidates.map((s) => missing(s).map((p) => `-${p.name}`).join(" and ")).filter(Boolean)
          .join(", or ")
      }`,
    );
  }
  const absent = missing(chosen);
  if (checkMandatory && absent.length > 0) {
    throw new InvalidInputError(
      alias.cmdlet,
      `missing mandatory parameter ${absent.map((p) => `-${p.name}`).join(", ")}`,
    );
  }
  return chosen;
}

/**
 * Translates `argv[index]` (a cmdlet name) and the arguments after it into graphcall's argv.
 * Arguments before `index` (global options) are kept as they are.
 */
export function translateAlias(argv: readonly string[], index: number): Translation | undefined {
  const alias = findAlias(argv[index] ?? "");
  if (!alias) return undefined;
  const passThrough: string[] = [];
  const bound: Bound[] = [];
  const positional: string[] = [];
  const rest = argv.slice(index + 1);
  const bind = (parameter: AliasParameter, value: string | boolean) => {
    if (bound.some((b) => b.parameter === parameter)) {
      throw new InvalidInputError(`-${parameter.name}`, "is given more than once");
    }
    bound.push({ parameter, value });
  };
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    if (token === "-?" || token === "--help") {
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
    const m = isParameterToken(token) ? PS_PARAMETER.exec(token) : null;
    if (!m) {
      positional.push(token);
      continue;
    }
    const parameter = resolveParameter(alias, m[1]!);
    if (parameter.unsupported) {
      throw new InvalidInputError(
        `-${parameter.name}`,
        `is not supported: ${parameter.unsupported}`,
      );
    }
    // `-Name:value`, or `-Name:` with the value in the next argument, as PowerShell reads it.
    let value: string | undefined = m[2] === undefined ? undefined : m[3];
    if (m[2] !== undefined && value === "") {
      value = rest[i + 1];
      if (value === undefined) {
        throw new InvalidInputError(`-${parameter.name}`, "needs a value after the colon");
      }
      i++;
    }
    if (parameter.switch) {
      bind(parameter, value === undefined ? true : switchValue(parameter, value));
      continue;
    }
    if (value === undefined) {
      const next = rest[i + 1];
      if (next === undefined || isParameterToken(next)) {
        throw new InvalidInputError(`-${parameter.name}`, "needs a value");
      }
      value = next;
      i++;
    }
    bind(parameter, value);
  }
  // Values without a name go to the positional parameters, lowest position first.
  if (positional.length > 0) {
    const named = chooseSetCandidates(alias, bound);
    const slots = aliasParameters(alias)
      .map((p) => ({
        p,
        position: Math.min(
          ...named.map((s) => membership(p, s)?.position ?? Infinity),
        ),
      }))
      .filter((x) => Number.isFinite(x.position) && !bound.some((b) => b.parameter === x.p))
      .sort((a, b) => a.position - b.position);
    for (const value of positional) {
      const slot = slots.shift();
      if (!slot) {
        throw new InvalidInputError(
          alias.cmdlet,
          `unexpected argument "${value.slice(0, 60)}": name its parameter, e.g. -${
            alias.parameters[0]?.name ?? "Name"
          } ${value.slice(0, 20)}`,
        );
      }
      if (slot.p.unsupported) {
        throw new InvalidInputError(`-${slot.p.name}`, `is not supported: ${slot.p.unsupported}`);
      }
      bind(slot.p, value);
    }
  }
  const parameterSet = chooseSet(alias, bound, passThrough.length === 0);
  const command = alias.setCommands?.[parameterSet] ?? alias.command;
  const translated: string[] = [];
  const flags: string[] = [];
  for (const { parameter, value } of bound) {
    if (typeof value === "boolean") {
      if (value && parameter.flag) {
        translated.push(parameter.flag);
        flags.push(parameter.flag);
      }
      continue;
    }
    const out = parameter.translate ? parameter.translate(value) : [parameter.flag!, value];
    translated.push(...out);
    flags.push(...out.filter((t) => t.startsWith("--")));
  }
  return {
    alias,
    command,
    argv: [...argv.slice(0, index), ...command, ...translated, ...passThrough],
    flags,
    bound: Object.fromEntries(bound.map((b) => [b.parameter.name, b.value])),
    parameterSet,
  };
}

/** The sets the named parameters leave open (all of them when none is named). */
function chooseSetCandidates(alias: PowerShellAlias, bound: readonly Bound[]): string[] {
  let candidates = parameterSets(alias);
  for (const { parameter } of bound) {
    const sets = setsOf(alias, parameter);
    candidates = candidates.filter((s) => sets.includes(s));
  }
  return candidates;
}
