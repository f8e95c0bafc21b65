// `storyctl completion zsh`: the script zsh loads (sourced, or as _storyctl in $fpath), generated
// from the completion spec.
import { sq } from './quote.js';
import { valuedFlags, type CommandSpec, type ValueKind } from './spec.js';

/** An entry for zsh's _describe: `name:description` with colons in the name escaped. */
function zdesc(name: string, description: string): string {
  return sq(`${name.replace(/:/g, '\\:')}:${description}`);
}

function zshValue(v: ValueKind): string {
  switch (v.type) {
    case 'words':
      return `compadd -- ${v.words.map(sq).join(' ')}; return`;
    case 'files':
      return '_files; return';
    case 'dynamic':
      return `compadd -- \${(f)"$(_storyctl_names ${v.what})"}; return`;
    case 'any':
      return 'return';
  }
}

export function zshScript(spec: CommandSpec[]): string {
  const lines: string[] = [
    '#compdef storyctl kubectl-storyctl',
    '# storyctl completion for zsh. Load it with: source <(storyctl completion zsh)',
    '# or save it as _storyctl in a directory of $fpath. Generated from the CLI: do not edit.',
    '_storyctl_names() {',
    '  local -a args; args=(__complete "$1")',
    '  [[ -n "$_storyctl_ns" ]] && args+=(-n "$_storyctl_ns")',
    '  [[ -n "$_storyctl_ctx" ]] && args+=(--context "$_storyctl_ctx")',
    '  [[ -n "$_storyctl_kc" ]] && args+=(--kubeconfig "$_storyctl_kc")',
    '  "${words[1]}" "${args[@]}" 2>/dev/null',
    '}',
    '_storyctl() {',
    '  local cur="${words[CURRENT]}" prev="${words[CURRENT-1]}" cmd="" i nargs=0',
    '  _storyctl_ns="" _storyctl_ctx="" _storyctl_kc=""',
    '  for ((i = 2; i < CURRENT; i++)); do',
    '    case "${words[i]}" in',
    '      -n|--namespace) ((i + 1 < CURRENT)) && _storyctl_ns="${words[i+1]}"; ((i++)) ;;',
    '      --context) ((i + 1 < CURRENT)) && _storyctl_ctx="${words[i+1]}"; ((i++)) ;;',
    '      --kubeconfig) ((i + 1 < CURRENT)) && _storyctl_kc="${words[i+1]}"; ((i++)) ;;',
    `      ${valuedFlags(spec)}) ((i++)) ;;`,
    '      -*) ;;',
    '      *) if [[ -z "$cmd" ]]; then cmd="${words[i]}"; else ((nargs++)); fi ;;',
    '    esac',
    '  done',
    '  if [[ -z "$cmd" ]]; then',
    `    local -a cmds; cmds=(${spec.map((c) => zdesc(c.name, c.description)).join(' ')})`,
    "    _describe 'command' cmds; return",
    '  fi',
    '  case "$cmd" in',
  ];
  for (const c of spec) {
    lines.push(`    ${c.name})`);
    const valued = c.flags.filter((f) => f.value);
    if (valued.length > 0) {
      lines.push('      case "$prev" in');
      for (const f of valued)
        lines.push(
          `        ${[f.short, f.long].filter(Boolean).join('|')}) ${zshValue(f.value as ValueKind)} ;;`,
        );
      lines.push('      esac');
    }
    lines.push('      if [[ "$cur" == -* ]]; then');
    lines.push(
      `        local -a flags; flags=(${c.flags.flatMap((f) => [zdesc(f.long, f.description), ...(f.short ? [zdesc(f.short, f.description)] : [])]).join(' ')})`,
    );
    lines.push("        _describe 'flag' flags; return");
    lines.push('      fi');
    if (c.args.length > 1) {
      lines.push('      case "$nargs" in');
      c.args.forEach((a, i) => lines.push(`        ${i === c.args.length - 1 ? '*' : i}) ${zshValue(a)} ;;`));
      lines.push('      esac');
    } else if (c.args[0]) lines.push(`      ${zshValue(c.args[0])}`);
    lines.push('      ;;');
  }
  lines.push(
    '  esac',
    '}',
    // As an $fpath file zsh calls the function itself; sourced, it must be registered.
    'if [[ "${funcstack[1]}" == _storyctl ]]; then _storyctl "$@"; else compdef _storyctl storyctl kubectl-storyctl; fi',
    '',
  );
  return lines.join('\n');
}
