# Last year's file of a pupil who has left 5a: pointed out, not deleted. A folder there is no pupil's file.
mkdir -p out/5a/alt
printf 'PDF vom letzten Jahr\n' >out/5a/Alt_Peter.pdf
