mkdir -p out/10a.pdf
