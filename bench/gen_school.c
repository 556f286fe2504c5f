/*
 * gen_school: writes a synthetic school for the benchmark, the same for the
 * same seed on every machine: DIR/klassen.csv (UTF-8 with BOM, semicolons, the
 * columns of a SchILD-NRW export) and DIR/schule.yaml using the shipped
 * template. Names mix German (umlauts, ß), Turkish (ı İ ş ğ ç), Polish
 * (ł ś ż ę ą ń) and Cyrillic spellings; every "Nachname, Vorname" is unique,
 * so no duplicate warning fires. Pupil "Kowalczyk, Łukasz" is the first of
 * 7c (the last pupil if there is no 7c): the single-pupil measurement looks him up.
 *
 * usage: gen_school DIR TEMPLATE_PATH [PUPILS [CLASSES [SEED]]]   (default 1500 60 2026)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const last_names[] = {
    "Müller",      "Schäfer",    "Weiß",         "Groß",      "Becker",    "Hoffmann", "Schröder",
    "Köhler",      "Krüger",     "Bäcker",       "Jäger",     "Würfel",    "Fuchs",    "Neumann",
    "Yılmaz",      "Şahin",      "Çelik",        "Öztürk",    "Doğan",     "Kılıç",    "Aydın",
    "Kowalczyk",   "Wiśniewski", "Wójcik",       "Zieliński", "Szymański", "Woźniak",  "Dąbrowski",
    "Łukaszewicz", "Żak",        "Коваленко",    "Иванов",    "Петрова",   "Смирнов",  "Шевченко",
    "Кузнецова",   "Nguyễn",     "Papadopoulos", "Schmidt",   "Meyer",     "Wagner",   "Schulz",
};

static const char *const first_names[] = {
    "Jonas",    "Lena",      "Jürgen",  "Sören",  "Maëlle",    "Lukas", "Jörg",       "Mia",
    "Paul",     "Björn",     "İlayda",  "Ayşe",   "Gökhan",    "Çağla", "Ömer",       "Şeyma",
    "Ilkay",    "Elif",      "Emre",    "Büşra",  "Łukasz",    "Zofia", "Małgorzata", "Żaneta",
    "Wojciech", "Agnieszka", "Jędrzej", "Ewa",    "Paweł",     "Kasia", "Олена",      "Дмитрий",
    "Анна",     "Сергей",    "Мария",   "Богдан", "Thị Hương", "Anh",   "Greta",      "Noah",
};

/* xorshift64*: the same sequence everywhere, unlike rand(). */
static uint64_t
next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 2685821657736338717ull;
}

static size_t
pick(uint64_t *state, size_t n)
{
    return (size_t)(next_random(state) % n);
}

static int
days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int              leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

int
main(int argc, char **argv)
{
    if (argc < 3 || argc > 6) {
        fprintf(stderr, "usage: gen_school DIR TEMPLATE_PATH [PUPILS [CLASSES [SEED]]]\n");
        return 2;
    }
    const char *dir = argv[1], *template_path = argv[2];
    long        n_pupils = argc > 3 ? strtol(argv[3], NULL, 10) : 1500;
    long        n_classes = argc > 4 ? strtol(argv[4], NULL, 10) : 60;
    uint64_t    state = argc > 5 ? strtoull(argv[5], NULL, 10) : 2026;
    if (n_pupils < 1 || n_classes < 1 || n_classes > 260 ||
        n_pupils > (long)(N_OF(last_names) * N_OF(first_names)) * 4) {
        fprintf(stderr, "gen_school: PUPILS or CLASSES out of range\n");
        return 2;
    }
    if (state == 0)
        state = 1;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "gen_school: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }

    char path[4096];
    snprintf(path, sizeof path, "%s/schule.yaml", dir);
    FILE *y = fopen(path, "w");
    if (!y) {
        fprintf(stderr, "gen_school: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    fprintf(y,
            "school:\n"
            "  name: Städtisches Gymnasium Musterstadt\n"
            "  address: Schulstraße 1, 12345 Musterstadt\n"
            "  data_protection: \"Datenschutzbeauftragte Frau M. Beispiel, datenschutz@gymnasium-musterstadt.example\"\n"
            "form:\n"
            "  template: %s\n"
            "  date: 2026-11-27\n"
            "  values:\n"
            "    platform: IServ\n"
            "    authority: \"Landesbeauftragten für den Datenschutz und die Informationsfreiheit "
            "Nordrhein-Westfalen\"\n"
            "    return_by: 11.12.2026\n"
            "roster:\n"
            "  file: klassen.csv\n"
            "output:\n"
            "  dir: out\n"
            "  split: class\n"
            "  duplex: true\n"
            "  class_sheet: true\n"
            "page:\n"
            "  font: Liberation Sans\n"
            "  marks: true\n",
            template_path);
    fclose(y);

    snprintf(path, sizeof path, "%s/klassen.csv", dir);
    FILE *c = fopen(path, "w");
    if (!c) {
        fprintf(stderr, "gen_school: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    fputs("\xEF\xBB\xBFInterne ID-Nummer;Nachname;Vorname;Klasse;Geburtsdatum\r\n", c);

    /* A name is used once per pass over the grid; a pass adds a suffix letter to the first name. */
    size_t         n_grid = N_OF(last_names) * N_OF(first_names);
    bool           placed = false;
    unsigned char *used = calloc(n_grid * 4, 1);
    if (!used)
        return 1;
    for (long i = 0; i < n_pupils; i++) {
        long        k = i * n_classes / n_pupils;    /* class index: pupils spread evenly */
        long        per_grade = (n_classes + 5) / 6; /* grades 5 to 10 */
        int         grade = 5 + (int)(k / per_grade);
        char        class_name[16];
        const char *last, *first;
        char        first_buf[64];
        snprintf(class_name, sizeof class_name, "%d%c", grade, (char)('a' + k % per_grade % 26));
        if (!placed && (strcmp(class_name, "7c") == 0 || i == n_pupils - 1)) {
            last = "Kowalczyk";
            first = "\xC5\x81ukasz";
            placed = true;
        } else {
            size_t slot;
            do {
                slot = pick(&state, n_grid * 4);
            } while (used[slot] || slot % n_grid == 21 * N_OF(first_names) + 20); /* Kowalczyk, Łukasz */
            used[slot] = 1;
            last = last_names[slot % n_grid / N_OF(first_names)];
            first = first_names[slot % n_grid % N_OF(first_names)];
            if (slot / n_grid > 0) {
                static const char *const second[] = {"", " Marie", " Can", " Aleksander"};
                snprintf(first_buf, sizeof first_buf, "%s%s", first, second[slot / n_grid]);
                first = first_buf;
            }
        }
        /* Born in the school year that fits the grade on the form date 2026-11-27. */
        int year = 2026 - grade - 6 + (int)pick(&state, 2);
        int month = 1 + (int)pick(&state, 12);
        if (year == 2026 - grade - 5 && month > 6)
            month -= 6;
        int day = 1 + (int)pick(&state, (size_t)days_in_month(year, month));
        fprintf(c, "%ld;%s;%s;%s;%02d.%02d.%d\r\n", 40000 + i, last, first, class_name, day, month, year);
    }
    free(used);
    if (fclose(c) != 0) {
        fprintf(stderr, "gen_school: cannot write %s\n", path);
        return 1;
    }
    return 0;
}
