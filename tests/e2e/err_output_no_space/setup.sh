# A real "disk full": the output folder is a 96 KiB tmpfs, room for one class file (5a: 55 KB) but not two.
mkdir out
mount -t tmpfs -o size=96k consentgen-test out 2>/dev/null || exit 77
