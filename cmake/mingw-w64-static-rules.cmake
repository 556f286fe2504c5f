# Loaded by cmake/mingw-w64-x86_64.cmake (CMAKE_USER_MAKE_RULES_OVERRIDE) after CMake's platform
# files: find_library, and pkg_check_modules through it, take static libraries only, so that
# -lpthread becomes libpthread.a and not the import library of libwinpthread-1.dll.
set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
