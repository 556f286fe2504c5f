# Liberation Sans with the default fallbacks: Arabic and Persian names from Noto Naskh Arabic, Hebrew
# from Liberation Sans itself; every name reads back as written, glyph for glyph as HarfBuzz shapes it.
bash names.sh "Liberation Sans" "Noto Naskh Arabic"
