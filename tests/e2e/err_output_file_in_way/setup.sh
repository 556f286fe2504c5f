printf "keine PDF\\n" > out
