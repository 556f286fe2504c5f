rm klassen.csv && mkfifo klassen.csv
