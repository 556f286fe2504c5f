# A template just over the 1 MiB limit, made here to keep the repository small.
{
    printf '# Einwilligung\n\n'
    yes 'Hiermit willige ich ein, {{pupil.first_name}}.' | head -c $((1024 * 1024))
} >vorlage.md
