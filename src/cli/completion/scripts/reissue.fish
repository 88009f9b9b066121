# reissue completion for fish: the candidates come from `reissue __complete`, which knows the
# commands, options, their values and the configured portal's certificate ids.
function __reissue_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l current (commandline -ct)
    set -l lines (command reissue __complete -- $words "$current" 2>/dev/null)
    switch "$lines[1]"
        case :file
            __fish_complete_path "$current"
        case :dir
            __fish_complete_directories "$current"
        case '*'
            # "word<TAB>description": fish shows the description beside the word.
            test (count $lines) -gt 0; and printf '%s\n' $lines
    end
end
complete -c reissue -f -a '(__reissue_complete)'
