mkfifo vorlage.md logo.png schrift.ttf
