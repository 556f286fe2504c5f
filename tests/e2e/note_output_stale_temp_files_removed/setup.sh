# Temp files that a killed run left (pupil data), and a hidden file that is not one of them.
mkdir -p out/5a
printf 'halbe PDF\n' >out/.5a.pdf.qdodZ1
printf 'halbe PDF\n' >out/5a/.Fischer_Anna.pdf.Ab12Cd
printf 'nicht von consentgen\n' >out/5a/.versteckt
