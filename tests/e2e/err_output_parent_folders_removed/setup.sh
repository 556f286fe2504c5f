# --out new/deeper/out on a disk that is full after the first class file (a 96 KiB tmpfs): the run
# makes new/, new/deeper/ and new/deeper/out/, and must remove all three again.
mkdir full
mount -t tmpfs -o size=96k consentgen-test full 2>/dev/null || exit 77
