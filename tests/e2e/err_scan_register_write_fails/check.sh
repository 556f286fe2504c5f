# No temporary file is left beside the register.
set -e
[ "$(ls -A | grep -c einwilligungen)" = 1 ]
