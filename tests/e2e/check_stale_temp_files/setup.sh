# A temp file that a killed run left in the output folder: check names it and leaves it.
mkdir out
printf 'halbe PDF\n' >out/.10a.pdf.qdodZ1
