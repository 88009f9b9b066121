# reissue completion for bash: the candidates come from `reissue __complete`, which knows the
# commands, options, their values and the configured portal's certificate ids.
_reissue() {
  local cur=${COMP_WORDS[COMP_CWORD]} line
  local -a lines
  COMPREPLY=()
  mapfile -t lines < <(command reissue __complete -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  case ${lines[0]-} in
    :file)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      ;;
    :dir)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      ;;
    *)
      # Each line is "word<TAB>description"; bash shows only the words.
      for line in "${lines[@]}"; do COMPREPLY+=("${line%%$'\t'*}"); done
      ;;
  esac
}
complete -F _reissue reissue
