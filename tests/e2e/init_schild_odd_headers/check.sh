# An export whose headers are not the usual ones: init names them in roster.columns, and check passes.
set -eu
out=$("$CONSENTGEN" check Einwilligungen-2026/schule.yaml 2>/dev/null)
[ "$out" = "Einwilligungen-2026/schule.yaml: ok: 2 classes, 4 pupils, 4 warnings" ] || { echo "check said: $out"; exit 1; }
"$CONSENTGEN" list Einwilligungen-2026/schule.yaml --class 5a 2>/dev/null | grep -q "^5a	Schäfer	Lena	29.04.2016	40154\$"
