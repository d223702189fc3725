# bash completion for dtscan, installed as share/bash-completion/completions/dtscan (bash-completion
# loads it on first use of `dtscan`; it can also be sourced directly). Needs nothing from the
# bash-completion package: plain compgen, so it works in a bare `bash --norc` too.
# The option lists follow `dtscan COMMAND --help`; tests/e2e/test_install.sh checks them against it.

_dtscan() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local prev=
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  local commands="scan staged git audit merge rules version help"
  local scanning="--threads -j --exclude --max-file-size --rules --no-decode"
  local report="--format --output -o --fail-on --baseline --show-secrets --sarif-root --sarif-category
    --quiet --progress --no-color"
  local verify="--verify --env-url --verify-allow-host --verify-timeout --verify-rate"

  # The command is always the first word after `dtscan` (dtscan takes no option before it).
  if ((COMP_CWORD <= 1)); then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return 0
  fi
  local cmd=${COMP_WORDS[1]}

  # The value of the option before the cursor.
  case $prev in
    --format) COMPREPLY=($(compgen -W "text json jsonl sarif" -- "$cur")); return 0 ;;
    --fail-on) COMPREPLY=($(compgen -W "critical high medium low info never" -- "$cur")); return 0 ;;
    -o | --output | --rules | --baseline | --write-baseline | --state)
      COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return 0 ;;
    --repo | --sarif-root)
      COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null; return 0 ;;
    -j | --threads | --exclude | --max-file-size | --sarif-category | --range | --max-depth | --env-url | \
      --verify-allow-host | --verify-timeout | --verify-rate | --shard) return 0 ;;
  esac

  local options=
  case $cmd in
    scan) options="--respect-gitignore $scanning $report --write-baseline $verify --help" ;;
    staged) options="--repo $scanning $report --write-baseline $verify --help" ;;
    git) options="--range $scanning $report --write-baseline $verify --help" ;;
    audit) options="--max-depth --shard --state --no-repo-config --respect-gitignore $scanning $report $verify --help" ;;
    merge) options="--format --output -o --fail-on --show-secrets --sarif-root --sarif-category --rules --quiet
      --no-color --help" ;;
    rules) options="--check --rules --help" ;;
    version) options="--help" ;;
    help) ((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W "scan staged git audit merge rules version" -- "$cur"))
      return 0 ;;
    *) return 0 ;;
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  elif [[ $cmd == scan || $cmd == git || $cmd == staged || $cmd == merge ]]; then
    COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null
  elif [[ $cmd == audit ]]; then
    COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null
  fi
  return 0
}

complete -F _dtscan dtscan
