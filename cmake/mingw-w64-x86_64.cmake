# Toolchain file for 64-bit Windows with Debian's mingw-w64, against the libraries that
# scripts/build-windows.sh cross-builds into a prefix (static libraries, one .exe, no DLLs):
#
#   cmake -S . -B build-win -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake
#
# The prefix is build-windows/prefix beside this file's folder, or CONSENTGEN_WIN_PREFIX
# (a cache variable or an environment variable). Tests run under wine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(CONSENTGEN_WIN_HOST x86_64-w64-mingw32)
# The POSIX thread model of Debian's mingw-w64 GCC: with the win32 one, GCC 12's libstdc++ has no
# std::mutex, which poppler needs. Both make the same C code; winpthreads is linked in statically.
set(CMAKE_C_COMPILER ${CONSENTGEN_WIN_HOST}-gcc-posix)
set(CMAKE_CXX_COMPILER ${CONSENTGEN_WIN_HOST}-g++-posix)
set(CMAKE_RC_COMPILER ${CONSENTGEN_WIN_HOST}-windres)

if(NOT CONSENTGEN_WIN_PREFIX)
  if(DEFINED ENV{CONSENTGEN_WIN_PREFIX})
    set(CONSENTGEN_WIN_PREFIX "$ENV{CONSENTGEN_WIN_PREFIX}")
  else()
    get_filename_component(CONSENTGEN_WIN_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../build-windows/prefix"
                           ABSOLUTE)
  endif()
endif()
set(CONSENTGEN_WIN_PREFIX "${CONSENTGEN_WIN_PREFIX}" CACHE PATH "Prefix of the cross-built libraries")
# try_compile projects read this file again; hand them the same prefix.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CONSENTGEN_WIN_PREFIX)

# Headers and libraries only from the prefix and the mingw-w64 sysroot, programs from the host.
set(CMAKE_FIND_ROOT_PATH "${CONSENTGEN_WIN_PREFIX}" /usr/${CONSENTGEN_WIN_HOST})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg_check_modules reads only the prefix's .pc files. Everything there is static, so ask for
# the private libraries too (libpng's -lz, HarfBuzz's C++ runtime); needs CMake >= 3.22.
set(ENV{PKG_CONFIG_LIBDIR} "${CONSENTGEN_WIN_PREFIX}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(PKG_CONFIG_ARGN --static)

# Link the compiler's libraries (libgcc, libstdc++ for HarfBuzz, winpthreads for libqrencode)
# statically, too: the .exe then needs only the DLLs that come with Windows.
set(CMAKE_EXE_LINKER_FLAGS_INIT -static)
set(CMAKE_USER_MAKE_RULES_OVERRIDE "${CMAKE_CURRENT_LIST_DIR}/mingw-w64-static-rules.cmake")

# ctest (and CMake's own checks that run a program) start the .exe through wine.
find_program(CONSENTGEN_WINE NAMES wine wine64 PATHS /usr/lib/wine NO_CMAKE_FIND_ROOT_PATH)
if(CONSENTGEN_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${CONSENTGEN_WINE}")
endif()
