/**
 * Shell completion scripts for bash, zsh and PowerShell, generated from the command tree (and
 * the PowerShell aliases with their parameter names), so they never drift from the CLI.
 *
 * @module
 */

import { aliasParameters, POWERSHELL_ALIASES } from "./powershell_aliases.ts";

/** A command as completion sees it: its words (subcommands and flags) by path. */
export interface CompletionNode {
  /** The command name. */
  name: string;
  /** Its flags, e.g. `--call`. */
  flags: readonly string[];
  /** Its subcommands. */
  children: readonly CompletionNode[];
}

/** The shells graphcall writes completions for. */
export const SHELLS = ["bash", "zsh", "pwsh"] as const;

/** A shell name. */
export type Shell = typeof SHELLS[number];

/** The words to offer after each command path (`""` is the root). */
export function completionTable(root: CompletionNode): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const walk = (node: CompletionNode, path: string) => {
    table.set(path, [...node.children.map((c) => c.name), ...node.flags]);
    for (const child of node.children) walk(child, path ? `${path} ${child.name}` : child.name);
  };
  walk(root, "");
  const rootWords = table.get("")!;
  for (const alias of POWERSHELL_ALIASES) {
    rootWords.push(alias.cmdlet);
    // Only the parameters graphcall honours: the refused ones would only lead to an error.
    table.set(
      alias.cmdlet,
      aliasParameters(alias).filter((p) => !p.unsupported).map((p) => `-${p.name}`),
    );
  }
  return table;
}

const SAFE_WORD = /^[A-Za-z0-9_.?-]+$/;

function words(list: readonly string[]): string {
  return list.filter((w) => SAFE_WORD.test(w)).join(" ");
}

function caseArms(table: Map<string, string[]>, indent: string): string {
  return [...table].map(([path, list]) => `${indent}"${path}") echo "${words(list)}" ;;`).join(
    "\n",
  );
}

/** The bash completion script. */
export function bashScript(root: CompletionNode): string {
  const table = completionTable(root);
  return `# graphcall completion for bash. Load it with:
#   source <(graphcall completions bash)
_graphcall_words() {
  case "$1" in
${caseArms(table, "    ")}
  esac
}
_graphcall() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w next i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in -*) continue ;; esac
    next="\${path:+$path }$w"
    if [[ -n "$(_graphcall_words "$next")" ]]; then path="$next"; fi
  done
  COMPREPLY=($(compgen -W "$(_graphcall_words "$path")" -- "$cur"))
}
complete -F _graphcall graphcall
`;
}

/** The zsh completion script. */
export function zshScript(root: CompletionNode): string {
  const table = completionTable(root);
  return `#compdef graphcall
# graphcall completion for zsh. Load it with:
#   source <(graphcall completions zsh)
_graphcall_words() {
  case "$1" in
${caseArms(table, "    ")}
  esac
}
_graphcall() {
  local path_="" w next i
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    [[ $w == -* ]] && continue
    next="\${path_:+$path_ }$w"
    [[ -n "$(_graphcall_words "$next")" ]] && path_=$next
  done
  local -a candidates
  candidates=(\${=$(_graphcall_words "$path_")})
  compadd -- $candidates
}
compdef _graphcall graphcall
`;
}

/** The PowerShell completion script. */
export function pwshScript(root: CompletionNode): string {
  const table = completionTable(root);
  const entries = [...table].map(([path, list]) =>
    `    '${path}' = @(${list.filter((w) => SAFE_WORD.test(w)).map((w) => `'${w}'`).join(", ")})`
  ).join("\n");
  return `# graphcall completion for PowerShell. Load it with:
#   graphcall completions pwsh | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName graphcall -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $tree = @{
${entries}
  }
  $path = ''
  foreach ($element in ($commandAst.CommandElements | Select-Object -Skip 1)) {
    if ($element.Extent.StartOffset -ge $cursorPosition) { break }
    $word = $element.ToString()
    if ($word -eq $wordToComplete) { break }
    if ($word.StartsWith('-')) { continue }
    $next = if ($path) { "$path $word" } else { $word }
    if ($tree.ContainsKey($next)) { $path = $next }
  }
  $tree[$path] | Where-Object { $_.StartsWith($wordToComplete, [System.StringComparison]::OrdinalIgnoreCase) } | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;
}

/** The script for a shell. */
export function completionScript(shell: Shell, root: CompletionNode): string {
  return shell === "bash" ? bashScript(root) : shell === "zsh" ? zshScript(root) : pwshScript(root);
}
