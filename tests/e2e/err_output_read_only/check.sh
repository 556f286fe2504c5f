# The file that was there before is untouched, and no temporary file is left.
set -e
[ "$(cat out/5a.pdf)" = "PDF vom letzten Jahr" ]
[ "$(ls -A out)" = "5a.pdf" ]
