# A header line of 10 MB without a delimiter: every message quotes 80 characters of it.
{
    head -c 10000000 /dev/zero | tr '\0' 'x'
    printf '\nM\303\274ller\n'
} >klassen.csv
