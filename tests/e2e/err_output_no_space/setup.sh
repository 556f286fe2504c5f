# A real "disk full": the output folder is a 160 KiB tmpfs, room for one class file but not two.
mkdir out
mount -t tmpfs -o size=160k consentgen-test out 2>/dev/null || exit 77
