# A row ending in 16 million ";" (just under the 16 MiB limit), made here to keep the repository small.
{
    printf 'Nachname;Vorname;Klasse;Geburtsdatum\nM\303\274ller;Anna;5a;30.01.2016'
    head -c 16000000 /dev/zero | tr '\0' ';'
    printf '\nWeber;Ben;5a;03.03.2016\n'
} >klassen.csv
