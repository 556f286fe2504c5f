# A folder where the review file goes: found before anything is written.
mkdir einwilligungen-pruefen.pdf
