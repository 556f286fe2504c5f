# The register is readable by its owner only.
set -e
[ "$(stat -c %a einwilligungen.csv)" = 600 ]
