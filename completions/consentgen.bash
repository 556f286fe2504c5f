# bash completion for consentgen: commands, options, --split and --answer values, file names
# (configs: .yaml/.yml; init: a folder, and --roster a .csv or .txt list; scan: the scanned files).
_consentgen_reply() {
    local cur prev words cword
    _init_completion 2>/dev/null || {
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        cword=$COMP_CWORD
    }
    local commands="render check list init scan set status --help --version"
    if [ "$cword" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return
    fi
    case $prev in
    --split) COMPREPLY=($(compgen -W "class pupil both" -- "$cur")); return ;;
    --answer) COMPREPLY=($(compgen -W "ja nein widerrufen" -- "$cur")); return ;;
    --out) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --roster) COMPREPLY=($(compgen -f -X '!*.@(csv|CSV|txt|TXT)' -- "$cur") $(compgen -d -- "$cur")); return ;;
    --language) COMPREPLY=($(compgen -W "tr uk ru ar fa en de" -- "$cur")); return ;;
    --class | --pupil | --id | --jobs | --date) return ;;
    esac
    local opts
    case ${COMP_WORDS[1]} in
    render) opts="--class --pupil --id --out --split --missing --language --jobs --quiet --strict" ;;
    check) opts="--strict" ;;
    list) opts="--class" ;;
    init) opts="--roster" ;;
    scan) opts="--jobs --quiet" ;;
    set) opts="--pupil --id --answer --date --class" ;;
    status) opts="--class --missing" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [ "${COMP_WORDS[1]}" = scan ] && [ "$cword" -gt 2 ]; then
        COMPREPLY=($(compgen -f -X '!*.@(pdf|PDF|png|PNG|jpg|JPG|jpeg|JPEG|tif|TIF|tiff|TIFF)' -- "$cur") $(compgen -d -- "$cur"))
    elif [ "${COMP_WORDS[1]}" = init ]; then
        COMPREPLY=($(compgen -d -- "$cur"))
    else
        COMPREPLY=($(compgen -f -X '!*.@(yaml|yml)' -- "$cur") $(compgen -d -- "$cur"))
    fi
}
# The file patterns are extended globs; bash-completion turns them on, a plain bash may not.
_consentgen() {
    local reset
    reset=$(shopt -p extglob) || true # its status is 1 while extglob is off
    shopt -s extglob
    _consentgen_reply
    eval "$reset"
}
complete -o filenames -F _consentgen consentgen
