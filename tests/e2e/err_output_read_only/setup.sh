# A read-only output folder (a read-only bind mount: as root, chmod would not stop
# the writes) that holds last year's 5a.pdf, which must stay as it was.
mkdir out
printf 'PDF vom letzten Jahr\n' >out/5a.pdf
mount --bind out out 2>/dev/null || exit 77
mount -o remount,bind,ro out 2>/dev/null || { umount out; exit 77; }
