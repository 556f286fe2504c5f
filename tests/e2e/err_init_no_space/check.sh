# Neither file, nor a temp file, is left in the folder.
set -eu
[ -z "$(ls -A Neu)" ] || { ls -la Neu; exit 1; }
