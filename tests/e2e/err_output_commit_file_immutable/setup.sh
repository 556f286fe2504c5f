# Last year's class files, one of them immutable (chattr +i: root, on ext4), so it cannot be replaced
# when the run renames its new files into place: 5a.pdf, renamed before it, must be put back too.
mkdir out
printf 'PDF vom letzten Jahr: 5a\n' >out/5a.pdf
printf 'PDF vom letzten Jahr: 10a\n' >out/10a.pdf
chattr +i out/10a.pdf 2>/dev/null || exit 77
