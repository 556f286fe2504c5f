# The new folder is a 4 KiB tmpfs: room for the copy of the form text (3.8 KB), not for schule.yaml too.
mkdir Neu
mount -t tmpfs -o size=4k consentgen-test Neu 2>/dev/null || exit 77
