# Excel's "Unicode-Text" (UTF-16, tabs) from IServ, without birth dates: check passes on what init wrote.
set -eu
out=$("$CONSENTGEN" check schule.yaml 2>/dev/null)
[ "$out" = "schule.yaml: ok: 2 classes, 3 pupils, 4 warnings" ] || { echo "check said: $out"; exit 1; }
"$CONSENTGEN" list schule.yaml --class 7c 2>/dev/null | grep -q "^7c	Коваленко	Олена	\$"
