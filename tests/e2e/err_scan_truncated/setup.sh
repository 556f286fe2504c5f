# A scan that stopped half way (the copier's network share full): the first 90 % of scan1.pdf.
head -c $(( $(stat -c %s scan1.pdf) * 9 / 10 )) scan1.pdf >abgebrochen.pdf
