# A roster just over the 16 MiB limit, made here to keep the repository small.
{
    printf 'Nachname;Vorname;Klasse;Geburtsdatum\n'
    yes 'Müller;Anna;5a;30.01.2016' | head -c $((16 * 1024 * 1024))
} >klassen.csv
