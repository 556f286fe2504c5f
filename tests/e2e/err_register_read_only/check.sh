# No temporary file is left beside the register.
set -e
[ "$(ls -A antworten)" = "einwilligungen.csv" ]
