#compdef reissue
# reissue completion for zsh: the candidates come from `reissue __complete`, which knows the
# commands, options, their values and the configured portal's certificate ids.
_reissue() {
  local -a lines described
  local line
  lines=("${(@f)$(command reissue __complete -- "${(@)words[2,CURRENT]}" 2>/dev/null)}")
  case ${lines[1]} in
    (:file) _files; return ;;
    (:dir) _files -/; return ;;
  esac
  for line in "${lines[@]}"; do
    [[ -z $line ]] && continue
    # "word<TAB>description" becomes _describe's "word:description" (a colon in the word escaped).
    if [[ $line == *$'\t'* ]]; then
      described+=("${${line%%$'\t'*}//:/\\:}:${line#*$'\t'}")
    else
      described+=("${line//:/\\:}")
    fi
  done
  (( ${#described} )) && _describe -t values reissue described
}
# Autoloaded from $fpath the file runs as the function itself; sourced, it registers it.
if [[ ${funcstack[1]} == _reissue ]]; then
  _reissue "$@"
else
  compdef _reissue reissue
fi
