# A folder where the file of a pupil of the second class goes: found before the first file is written.
mkdir -p out/10a/Yilmaz_Ilayda.pdf/inner
