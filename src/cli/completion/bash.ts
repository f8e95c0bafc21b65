// `storyctl completion bash`: the script bash loads, generated from the completion spec.
import { sq } from './quote.js';
import { valuedFlags, type CommandSpec, type ValueKind } from './spec.js';

function bashValue(v: ValueKind): string {
  switch (v.type) {
    case 'words':
      return `COMPREPLY=( $(compgen -W ${sq(v.words.join(' '))} -- "$cur") ); return`;
    case 'files':
      return `COMPREPLY=( $(compgen -f -- "$cur") ); compopt -o filenames 2>/dev/null; return`;
    case 'dynamic':
      return `COMPREPLY=( $(compgen -W "$(_storyctl_names ${v.what})" -- "$cur") ); return`;
    case 'any':
      return 'return';
  }
}

export function bashScript(spec: CommandSpec[]): string {
  const lines: string[] = [
    '# storyctl completion for bash. Load it with: source <(storyctl completion bash)',
    '# or save it as /etc/bash_completion.d/storyctl. Generated from the CLI: do not edit.',
    '_storyctl_names() {',
    '  local args=("__complete" "$1")',
    '  [[ -n "$_storyctl_ns" ]] && args+=(-n "$_storyctl_ns")',
    '  [[ -n "$_storyctl_ctx" ]] && args+=(--context "$_storyctl_ctx")',
    '  [[ -n "$_storyctl_kc" ]] && args+=(--kubeconfig "$_storyctl_kc")',
    '  "${COMP_WORDS[0]}" "${args[@]}" 2>/dev/null',
    '}',
    '_storyctl() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  local cmd="" i nargs=0',
    '  _storyctl_ns="" _storyctl_ctx="" _storyctl_kc=""',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    case "${COMP_WORDS[i]}" in',
    '      -n|--namespace) ((i + 1 < COMP_CWORD)) && _storyctl_ns="${COMP_WORDS[i+1]}"; ((i++)) ;;',
    '      --context) ((i + 1 < COMP_CWORD)) && _storyctl_ctx="${COMP_WORDS[i+1]}"; ((i++)) ;;',
    '      --kubeconfig) ((i + 1 < COMP_CWORD)) && _storyctl_kc="${COMP_WORDS[i+1]}"; ((i++)) ;;',
    `      ${valuedFlags(spec)}) ((i++)) ;;`,
    '      -*) ;;',
    '      *) if [[ -z "$cmd" ]]; then cmd="${COMP_WORDS[i]}"; else ((nargs++)); fi ;;',
    '    esac',
    '  done',
    '  if [[ -z "$cmd" ]]; then',
    `    COMPREPLY=( $(compgen -W ${sq([...spec.map((c) => c.name), '--help', '--version'].join(' '))} -- "$cur") ); return`,
    '  fi',
    '  case "$cmd" in',
  ];
  for (const c of spec) {
    lines.push(`    ${c.name})`);
    const valued = c.flags.filter((f) => f.value && f.value.type !== 'any');
    if (valued.length > 0) {
      lines.push('      case "$prev" in');
      for (const f of valued)
        lines.push(
          `        ${[f.short, f.long].filter(Boolean).join('|')}) ${bashValue(f.value as ValueKind)} ;;`,
        );
      lines.push('      esac');
    }
    const takesValue = c.flags.filter((f) => f.value?.type === 'any');
    if (takesValue.length > 0)
      lines.push(
        `      case "$prev" in ${takesValue.map((f) => [f.short, f.long].filter(Boolean).join('|')).join('|')}) return ;; esac`,
      );
    lines.push(
      `      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W ${sq(c.flags.flatMap((f) => [f.long, ...(f.short ? [f.short] : [])]).join(' '))} -- "$cur") ); return; fi`,
    );
    const arg = c.args[0];
    if (c.args.length > 1) {
      lines.push('      case "$nargs" in');
      c.args.forEach((a, i) =>
        lines.push(`        ${i === c.args.length - 1 ? '*' : i}) ${bashValue(a)} ;;`),
      );
      lines.push('      esac');
    } else if (arg) lines.push(`      ${bashValue(arg)}`);
    lines.push('      ;;');
  }
  lines.push('  esac', '}', 'complete -F _storyctl storyctl kubectl-storyctl', '');
  return lines.join('\n');
}
