mkdir out
printf "kein Ordner\\n" > out/5a
