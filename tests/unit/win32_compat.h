/*
 * The POSIX calls the unit tests use to set up their files, for the Windows
 * build (force-included by tests/CMakeLists.txt when WIN32; the tests run
 * under wine). Windows has no FIFOs or symbolic links for a normal user:
 * mkfifo and symlink fail with ENOSYS, so the tests that need them fail there.
 */
#ifndef CONSENTGEN_WIN32_COMPAT_H
#define CONSENTGEN_WIN32_COMPAT_H

#include <direct.h>
#include <errno.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static inline char *
mkdtemp(char *tmpl)
{
    for (int i = 0; i < 100; i++) {
        char  *x = strstr(tmpl, "XXXXXX");
        size_t n = strlen(tmpl);
        if (!x && n >= 6)
            x = tmpl + n - 6;
        for (int k = 0; k < 6; k++)
            x[k] = "abcdefghijklmnopqrstuvwxyz0123456789"[rand() % 36];
        if (_mkdir(tmpl) == 0)
            return tmpl;
        if (errno != EEXIST)
            return NULL;
        memcpy(x, "XXXXXX", 6);
    }
    return NULL;
}

static inline int
setenv(const char *name, const char *value, int overwrite)
{
    if (!overwrite && getenv(name))
        return 0;
    return _putenv_s(name, value) == 0 ? 0 : -1;
}

static inline int
unsetenv(const char *name)
{
    return _putenv_s(name, "") == 0 ? 0 : -1;
}

static inline int
mkdir_mode(const char *path, int mode)
{
    (void)mode;
    return _mkdir(path);
}
#define mkdir(path, mode) mkdir_mode(path, mode)

static inline int
mkfifo(const char *path, int mode)
{
    (void)path;
    (void)mode;
    errno = ENOSYS;
    return -1;
}

static inline int
symlink(const char *target, const char *path)
{
    (void)target;
    (void)path;
    errno = ENOSYS;
    return -1;
}

#endif
