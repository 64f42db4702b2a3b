/**
 * PowerShell-name parity, checked against real PowerShell 7: for every cmdlet graphcall accepts
 * (POWERSHELL_ALIASES), a stub function in tests/fixtures/powershell_parity carries the real
 * cmdlet's parameters (names, aliases, sets, mandatory flags, positions). PowerShell binds
 * generated argument lists to the stub, graphcall's translateAlias binds the same lists, and the
 * two must agree, or graphcall must refuse with a one-line message.
 *
 * Table-driven: a cmdlet added to POWERSHELL_ALIASES joins by adding its stub, named after the
 * cmdlet in snake_case (New-MgCommunicationCall -> new_mg_communication_call.ps1).
 */

import assert from "node:assert/strict";
import {
  aliasParameters,
  ALL_PARAMETER_SETS,
  POWERSHELL_ALIASES,
  type PowerShellAlias,
  translateAlias,
} from "../lib/cli/powershell_aliases.ts";
import { InvalidInputError } from "../lib/errors.ts";
import { HAS_PWSH, notePwshSkipped, psLiteral, PwshSession } from "./support/pwsh.ts";

notePwshSkipped(import.meta.url);

const STUBS = new URL("./fixtures/powershell_parity/", import.meta.url);

/** The stub file for a cmdlet: Remove-MgCommunicationCallParticipant -> remove_mg_..._participant.ps1 */
function stubFile(cmdlet: string): string {
  return cmdlet.replace(/-/g, "").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase() + ".ps1";
}

let session: PwshSession | undefined;

async function pwsh(): Promise<PwshSession> {
  if (session) return session;
  session = PwshSession.start();
  // Each run is a script block of its own: the stubs are defined in the global scope to stay.
  const stubs = await Promise.all(
    POWERSHELL_ALIASES.map(async (a) =>
      (await Deno.readTextFile(new URL(stubFile(a.cmdlet), STUBS))).replace(
        /^function ([\w-]+) \{/m,
        "function global:$1 {",
      )
    ),
  );
  const reply = await session.run(`
    function global:Get-StubBinding($Cmdlet, $Bound) {
        $values = [ordered]@{}
        foreach ($key in $Bound.Keys) {
            $value = $Bound[$key]
            if ($value -is [switch]) { $value = $value.IsPresent }
            elseif ($value -is [System.Management.Automation.PSListModifier]) { $value = 'PSListModifier' }
            $values[$key] = $value
        }
        [pscustomobject]@{ set = $Cmdlet.ParameterSetName; bound = $values }
    }
    ${stubs.join("\n")}
  `);
  assert.equal(reply.ok, true, reply.error ?? "");
  return session;
}

// One pwsh process serves the whole file, so it outlives each test: the sanitizers would count it.
const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: !HAS_PWSH, sanitizeResources: false, sanitizeOps: false, fn });

/** A parameter as PowerShell's metadata describes it. */
interface StubParameter {
  name: string;
  aliases: string[];
  switch: boolean;
  type: string;
  sets: { set: string; mandatory: boolean; position: number | null }[];
}

interface StubCommand {
  cmdlet: string;
  defaultSet: string | null;
  sets: string[];
  parameters: StubParameter[];
}

async function stubMetadata(): Promise<StubCommand[]> {
  const ps = await pwsh();
  const reply = await ps.run(`
    foreach ($name in ${POWERSHELL_ALIASES.map((a) => psLiteral(a.cmdlet)).join(", ")}) {
        $command = Get-Command -Name $name -CommandType Function
        [pscustomobject]@{
            cmdlet = $name
            defaultSet = $command.DefaultParameterSet
            sets = @($command.ParameterSets | ForEach-Object Name)
            parameters = @($command.Parameters.Values | ForEach-Object {
                [pscustomobject]@{
                    name = $_.Name
                    aliases = @($_.Aliases)
                    switch = [bool]$_.SwitchParameter
                    type = $_.ParameterType.Name
                    sets = @($_.ParameterSets.GetEnumerator() | ForEach-Object {
                        [pscustomobject]@{
                            set = $_.Key
                            mandatory = [bool]$_.Value.IsMandatory
                            position = if ($_.Value.Position -ge 0) { $_.Value.Position } else { $null }
                        }
                    })
                }
            })
        }
    }
  `);
  assert.equal(reply.ok, true, reply.error ?? "");
  return reply.values as StubCommand[];
}

let metadata: Promise<StubCommand[]> | undefined;
const metadataOf = async (cmdlet: string) =>
  (await (metadata ??= stubMetadata())).find((m) => m.cmdlet === cmdlet)!;

/** A parameter's sets, spelled out: "every set" becomes the cmdlet's set names. */
function expandSets(
  sets: readonly string[],
  entries: readonly { set: string; mandatory: boolean; position: number | null }[],
): string[] {
  return entries.flatMap((e) =>
    e.set === ALL_PARAMETER_SETS && sets.some((s) => s !== ALL_PARAMETER_SETS)
      ? sets.map((s) => `${s}:${e.mandatory}:${e.position}`)
      : [`${e.set}:${e.mandatory}:${e.position}`]
  ).sort();
}

function graphcallShape(alias: PowerShellAlias, sets: readonly string[]) {
  return aliasParameters(alias).filter((p) => !p.extension).map((p) => {
    const entries = p.sets && Object.keys(p.sets).length > 0
      ? Object.entries(p.sets).map(([set, m]) => ({
        set,
        mandatory: m.mandatory === true,
        position: m.position ?? null,
      }))
      : [{ set: ALL_PARAMETER_SETS, mandatory: false, position: null }];
    return {
      name: p.name,
      aliases: [...(p.aliases ?? [])].map((a) => a.toLowerCase()).sort(),
      switch: p.switch === true,
      sets: expandSets(sets, entries),
    };
  }).sort((a, b) => a.name.localeCompare(b.name));
}

Deno.test("every cmdlet graphcall accepts has a PowerShell stub with the real cmdlet's parameters", async () => {
  for (const alias of POWERSHELL_ALIASES) {
    const file = new URL(stubFile(alias.cmdlet), STUBS);
    const text = await Deno.readTextFile(file).catch(() => "");
    assert.match(
      text,
      new RegExp(`^function ${alias.cmdlet} \\{`, "m"),
      `add tests/fixtures/powershell_parity/${stubFile(alias.cmdlet)} for ${alias.cmdlet}`,
    );
  }
});

for (const alias of POWERSHELL_ALIASES) {
  test(`${alias.cmdlet}: graphcall knows the same parameters, aliases, sets and positions as PowerShell`, async () => {
    const stub = await metadataOf(alias.cmdlet);
    const real = stub.parameters.map((p) => ({
      name: p.name,
      aliases: p.aliases.map((a) => a.toLowerCase()).sort(),
      switch: p.switch,
      sets: expandSets(stub.sets, p.sets),
    })).sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(graphcallShape(alias, stub.sets), real);
    assert.equal(
      alias.defaultSet ?? null,
      stub.defaultSet === ALL_PARAMETER_SETS ? null : stub.defaultSet,
    );
  });
}

/** One argument list, and whether graphcall must bind it (a plain use of a supported parameter). */
interface Case {
  argv: string[];
  mustBind?: boolean;
}

function sampleValue(p: StubParameter, cmdlet: string): string {
  if (p.type === "Int32") return "5";
  // The real type is IDictionary (the stub's is loosened): a hashtable, as an admin writes it.
  if (p.name === "Headers") return '@{"X-Note"="from-powershell"}';
  if (p.type.startsWith("PSListModifier")) return '@{Add="0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60"}';
  if (cmdlet === "Get-MgEnvironment" && p.name === "Name") return "USGov";
  return `v-${p.name}`;
}

/** The argument lists for one cmdlet: every name, alias and prefix, in every form, and misuse. */
function casesFor(alias: PowerShellAlias, stub: StubCommand): Case[] {
  const byName = new Map(stub.parameters.map((p) => [p.name.toLowerCase(), p]));
  const graphcall = new Map(aliasParameters(alias).map((p) => [p.name.toLowerCase(), p]));
  const honoured = (p: StubParameter) => !graphcall.get(p.name.toLowerCase())?.unsupported;
  const required = (set: string, except?: StubParameter) =>
    stub.parameters.filter((p) =>
      p !== except &&
      p.sets.some((s) => (s.set === set || s.set === ALL_PARAMETER_SETS) && s.mandatory)
    );
  // The set to use a parameter in: the default one, else one whose required parameters graphcall
  // honours, else its first.
  const setOf = (p: StubParameter) => {
    const named = p.sets.map((s) => s.set).filter((s) => s !== ALL_PARAMETER_SETS);
    if (named.length === 0) return stub.defaultSet ?? ALL_PARAMETER_SETS;
    if (stub.defaultSet && named.includes(stub.defaultSet)) return stub.defaultSet;
    return named.find((s) => required(s, p).every(honoured)) ?? named[0]!;
  };
  const mandatory = (set: string, except?: StubParameter) =>
    required(set, except).flatMap((p) => [`-${p.name}`, sampleValue(p, stub.cmdlet)]);
  const cases: Case[] = [];
  const seen = new Set<string>();
  const add = (argv: string[], mustBind = false) => {
    const key = argv.join("\u0000");
    if (seen.has(key)) return;
    seen.add(key);
    cases.push({ argv, mustBind });
  };

  // Parameters of the real cmdlet, and graphcall's own additions (named by their extension).
  const all: StubParameter[] = [
    ...stub.parameters,
    ...aliasParameters(alias).filter((p) => p.extension).map((p): StubParameter => ({
      name: p.name,
      aliases: [],
      switch: p.switch === true,
      type: p.switch ? "SwitchParameter" : "String",
      sets: [{ set: ALL_PARAMETER_SETS, mandatory: false, position: null }],
    })),
  ];
  const prefixes = new Set<string>();
  for (const p of all) {
    const base = mandatory(setOf(p), p);
    const value = sampleValue(p, stub.cmdlet);
    const plain = honoured(p) && byName.has(p.name.toLowerCase()) &&
      required(setOf(p), p).every(honoured);
    const forms = p.switch
      ? [[`-${p.name}`], [`-${p.name}:$false`], [`-${p.name}:$true`], [`-${p.name}:0`], [
        `-${p.name}:`,
        "$false",
      ], [`-${p.name}:false`]]
      : [[`-${p.name}`, value], [`-${p.name}:${value}`], [`-${p.name}:`, value]];
    forms.forEach((form, i) => add([...base, ...form], i === 0 && plain));
    add([...base, `-${p.name.toLowerCase()}`, ...(p.switch ? [] : [value])]);
    add([...base, `-${p.name.toUpperCase()}`, ...(p.switch ? [] : [value])]);
    for (const word of [p.name, ...p.aliases]) {
      for (let n = 1; n <= word.length; n++) {
        const prefix = word.slice(0, n).toLowerCase();
        if (prefixes.has(prefix)) continue;
        prefixes.add(prefix);
        add([...base, `-${word.slice(0, n)}`, ...(p.switch ? [] : [value])]);
      }
    }
  }
  // Misuse.
  const first = stub.parameters.find((p) => !p.switch && !p.name.endsWith("Variable")) ??
    stub.parameters[0]!;
  const base = mandatory(setOf(first), first);
  const v = sampleValue(first, stub.cmdlet);
  add([...base, `-${first.name}`, v, `-${first.name}`, v]);
  add([...base, `-${first.name}`, v, `-${first.name.slice(0, 2)}`, v]);
  add([...base, `-${first.name}`]);
  add([...base, `-${first.name}`, "-Verbose"]);
  add([...base, `-${first.name}:`]);
  add([...base, "-NoSuchParameter", "x"]);
  add([...base, "loose-value"]);
  add(["loose-value"]);
  add([]);
  for (const set of stub.sets) {
    const needed = mandatory(set);
    for (let i = 0; i < needed.length; i += 2) add([...needed.slice(0, i), ...needed.slice(i + 2)]);
  }
  for (const p of stub.parameters) {
    for (const q of stub.parameters) {
      const setsP = p.sets.map((s) => s.set);
      const setsQ = q.sets.map((s) => s.set);
      if (p.name >= q.name || setsP.includes(ALL_PARAMETER_SETS)) continue;
      if (setsQ.includes(ALL_PARAMETER_SETS) || setsP.some((s) => setsQ.includes(s))) continue;
      add([
        ...mandatory(setOf(p)),
        ...[p, q].flatMap((
          x,
        ) => [`-${x.name}`, ...(x.switch ? [] : [sampleValue(x, stub.cmdlet)])]),
      ]);
    }
  }
  return cases;
}

/** The argument list as PowerShell code: names as typed, values as the shell passed them. */
function powershellLine(cmdlet: string, argv: readonly string[]): string {
  const value = (v: string) =>
    /^\$(true|false|null)$/i.test(v) || /^[\w.-]+$/.test(v) || v.startsWith("@{")
      ? v
      : psLiteral(v);
  const words = argv.map((token) => {
    const m = /^(-[A-Za-z_]\w*:)([\s\S]+)$/.exec(token);
    if (m) return m[1] + value(m[2]!);
    return /^-[A-Za-z_]\w*:?$/.test(token) ? token : value(token);
  });
  return [cmdlet, ...words].join(" ");
}

interface PsBinding {
  ok: boolean;
  set?: string;
  bound?: Record<string, unknown>;
  id?: string;
  message?: string;
}

/**
 * Whether graphcall took the value PowerShell bound. A hashtable or list modifier, which
 * PowerShell builds from the text and graphcall parses later, is compared by name only.
 */
function sameValue(ps: unknown, graphcall: string | boolean): boolean {
  const scalar = Array.isArray(ps) && ps.length === 1 ? ps[0] : ps;
  if (typeof scalar === "boolean" || typeof scalar === "number" || typeof scalar === "string") {
    return scalar === "PSListModifier" || String(scalar) === String(graphcall);
  }
  return typeof graphcall === "string";
}

for (const alias of POWERSHELL_ALIASES) {
  test(`${alias.cmdlet}: PowerShell and graphcall bind the same argument lists, or graphcall refuses in one line`, async () => {
    const stub = await metadataOf(alias.cmdlet);
    const cases = casesFor(alias, stub);
    const lines = cases.map((c) => powershellLine(alias.cmdlet, c.argv));
    const reply = await (await pwsh()).run(`
      foreach ($line in @(${lines.map(psLiteral).join(",\n")})) {
          try {
              $r = Invoke-Expression $line
              [pscustomobject]@{ ok = $true; set = $r.set; bound = $r.bound }
          } catch {
              [pscustomobject]@{ ok = $false; id = $_.FullyQualifiedErrorId; message = $_.Exception.Message }
          }
      }
    `);
    assert.equal(reply.ok, true, reply.error ?? "");
    const results = reply.values as PsBinding[];
    assert.equal(results.length, cases.length);
    // graphcall may refuse what PowerShell binds only for a reason it states: a parameter it
    // cannot honour, a value it cannot read, or a prefix its own additions make ambiguous.
    const extensions = aliasParameters(alias).filter((p) => p.extension).map((p) => `-${p.name}`);
    const justified = (message: string) =>
      /: is not supported: |: is a switch: |-AllowRemoveParticipantAppIds: /.test(message) ||
      (/is ambiguous/.test(message) && extensions.some((x) => message.includes(x)));
    const problems: string[] = [];
    let agreed = 0; // both bound the same parameters, values and set
    let refused = 0; // graphcall refused: PowerShell did too, or graphcall said why
    cases.forEach((c, i) => {
      const ps = results[i]!;
      const shown = `${lines[i]}  [PowerShell: ${
        ps.ok ? `${ps.set} ${JSON.stringify(ps.bound)}` : ps.message?.split("\n")[0]
      }]`;
      let translation;
      try {
        translation = translateAlias([alias.cmdlet, ...c.argv], 0)!;
      } catch (e) {
        if (!(e instanceof InvalidInputError)) {
          problems.push(`${shown}: graphcall threw ${e}`);
        } else if (e.message.includes("\n")) {
          problems.push(`${shown}: the refusal is not one line`);
        } else if (c.mustBind) {
          problems.push(`${shown}: graphcall refused a plain use: ${e.message}`);
        } else if (ps.ok && !justified(e.message)) {
          problems.push(`${shown}: graphcall refused what PowerShell binds: ${e.message}`);
        } else refused++;
        return;
      }
      const names = Object.keys(translation.bound);
      const extension = aliasParameters(alias).some((p) => p.extension && names.includes(p.name));
      if (!ps.ok) {
        if (!extension) {
          problems.push(`${shown}: graphcall bound ${JSON.stringify(translation.bound)}`);
        }
        return;
      }
      const psNames = Object.keys(ps.bound ?? {}).sort();
      if (JSON.stringify(psNames) !== JSON.stringify([...names].sort())) {
        problems.push(`${shown}: graphcall bound ${JSON.stringify(translation.bound)}`);
      } else if (names.some((n) => !sameValue(ps.bound![n], translation.bound[n]!))) {
        problems.push(`${shown}: graphcall's values ${JSON.stringify(translation.bound)}`);
      } else if (ps.set !== translation.parameterSet) {
        problems.push(`${shown}: graphcall chose the set ${translation.parameterSet}`);
      } else agreed++;
    });
    assert.deepEqual(problems, [], `${problems.length} of ${cases.length} argument lists differ`);
    assert.ok(
      agreed > 0 && agreed + refused <= cases.length,
      `${agreed} agreed, ${refused} refused`,
    );
  });
}

test("the PowerShell session of this file ends", async () => {
  await session?.close();
  session = undefined;
});
