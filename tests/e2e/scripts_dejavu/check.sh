# DejaVu Sans has every script of the roster itself (the Arabic with lam-alef ligatures, the Vietnamese
# letters as composite glyphs): every name reads back as written, glyph for glyph as HarfBuzz shapes it.
bash names.sh "DejaVu Sans" "DejaVu Sans"
