# Last year's file of a pupil who has left 5a: pointed out, not deleted.
mkdir -p out/5a
printf 'PDF vom letzten Jahr\n' >out/5a/Alt_Peter.pdf
