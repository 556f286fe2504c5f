#!/usr/bin/env bash
# Cross-builds the libraries consentgen needs for 64-bit Windows on Debian 12, from
# Debian's own source packages, as static libraries into build-windows/prefix.
#
#   scripts/build-windows.sh               the printing path (and cmocka for the tests)
#   scripts/build-windows.sh --with-scan   also libjpeg, libtiff and leptonica
#   scripts/build-windows.sh --with-pdf    also poppler-glib and cairo, with glib, pixman, FreeType
#                                          (implies --with-scan)
#   scripts/build-windows.sh --rebuild harfbuzz ...   forget the named libraries' stamps first
#   scripts/build-windows.sh --check       then build scripts/windows-smoke and run it under wine
#   scripts/build-windows.sh --zip         then consentgen.exe and its zip (scripts/package-windows.sh)
#
# Installs the host tools it needs (apt-get, as root or through sudo). Fetches sources with
# apt-get source through a deb-src list of its own (build-windows/apt), so the system's apt
# lists stay as they are. Each library that is built gets a stamp and is skipped next time;
# each writes its log to build-windows/logs/NAME.log and prints one line.
# Then: cmake -S . -B build-win -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bw=${CONSENTGEN_WIN_BUILD:-$root/build-windows}
prefix=${CONSENTGEN_WIN_PREFIX:-$bw/prefix}
host=x86_64-w64-mingw32
toolchain=$root/cmake/mingw-w64-x86_64.cmake
jobs=${JOBS:-2}

with_scan=0
with_pdf=0
check=0
zip=0
rebuild=()
while [ $# -gt 0 ]; do
  case $1 in
  --with-scan) with_scan=1 ;;
  --with-pdf) with_scan=1 with_pdf=1 ;;
  --check) check=1 ;;
  --zip) zip=1 ;;
  --rebuild)
    shift
    while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do
      rebuild+=("$1")
      shift
    done
    continue
    ;;
  -h | --help)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "build-windows: unknown argument '$1' (see --help)" >&2
    exit 2
    ;;
  esac
  shift
done

# The printing path, in build order (a library comes after those it needs).
libs=(zlib libpng libharu libyaml md4c libcsv utf8proc fribidi harfbuzz qrencode xxhash libintl cmocka)
[ $with_scan = 1 ] && libs+=(libjpeg libtiff leptonica)
[ $with_pdf = 1 ] && libs+=(libffi pcre2 glib pixman freetype cairo poppler)

# Debian source package of each library.
declare -A srcpkg=(
  [zlib]=zlib [libpng]=libpng1.6 [libharu]=libharu [libyaml]=libyaml [md4c]=md4c [libcsv]=libcsv
  [utf8proc]=utf8proc [fribidi]=fribidi [harfbuzz]=harfbuzz [qrencode]=qrencode [xxhash]=xxhash
  [libintl]=gettext [cmocka]=cmocka [libjpeg]=libjpeg-turbo [libtiff]=tiff [leptonica]=leptonlib
  [libffi]=libffi [pcre2]=pcre2 [glib]=glib2.0 [pixman]=pixman [freetype]=freetype [cairo]=cairo
  [poppler]=poppler
)

# ---------------------------------------------------------------------------------------------
# Host tools

install_host_tools() {
  local packages=(
    gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 binutils-mingw-w64-x86-64 mingw-w64-tools
    cmake ninja-build meson make pkgconf dpkg-dev autotools-dev xz-utils bzip2 wine wine64
    qpdf poppler-utils gettext
    fonts-liberation2 fonts-dejavu-core fonts-dejavu-extra fonts-noto-core zip
  )
  [ $with_scan = 1 ] && packages+=(nasm)
  [ $with_pdf = 1 ] && packages+=(autoconf automake libtool)
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "build-windows: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$bw/logs/host-tools.log" 2>&1 ||
    {
      tail -20 "$bw/logs/host-tools.log" >&2
      exit 1
    }
}

# ---------------------------------------------------------------------------------------------
# Sources: a deb-src list and apt state of our own, made from the system's Debian entries.

apt_opts=()
setup_apt() {
  local a=$bw/apt
  mkdir -p "$a/state/lists/partial" "$a/cache/archives/partial" "$a/sources.list.d"
  apt_opts=(-o "Dir::State=$a/state" -o "Dir::Cache=$a/cache" -o "Dir::Etc::SourceList=$a/sources.list"
    -o "Dir::Etc::SourceParts=$a/sources.list.d" -o "Debug::NoLocking=1")
  # As root, apt would hand the download to user _apt, who cannot write here.
  [ "$(id -u)" = 0 ] && apt_opts+=(-o "APT::Sandbox::User=root")
  local codename
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  local list=$a/sources.list.new
  : >"$list"
  if [ -n "${DEBIAN_MIRROR:-}" ]; then
    echo "deb-src $DEBIAN_MIRROR $codename main" >>"$list"
  else
    # One-line entries: deb [opts] URI SUITE COMPONENTS...
    { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
      awk -v c="$codename" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i+1) ~ ("^" c "(-updates|-security|/updates)?$")) print "deb-src", $i, $(i+1), "main" }' >>"$list"
    # deb822 entries (Debian 12's default /etc/apt/sources.list.d/debian.sources).
    { cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } |
      awk -v c="$codename" 'function flush() { if (types ~ /(^| )deb( |$)/ && uris != "")
          for (u in U) for (s in S) if (S[s] ~ ("^" c "(-updates|-security)?$")) print "deb-src", U[u], S[s], "main"
          types = ""; uris = ""; delete U; delete S }
        /^[ \t]*$/ { flush(); next } /^#/ { next }
        /^Types:/ { types = $0; sub(/^Types:[ \t]*/, "", types) }
        /^URIs:/ { uris = $0; sub(/^URIs:[ \t]*/, "", uris); n = split(uris, U, /[ \t]+/) }
        /^Suites:/ { x = $0; sub(/^Suites:[ \t]*/, "", x); split(x, S, /[ \t]+/) }
        END { flush() }' >>"$list"
  fi
  if ! [ -s "$list" ]; then
    echo "build-windows: found no Debian entry in /etc/apt; set DEBIAN_MIRROR=http://deb.debian.org/debian" >&2
    exit 1
  fi
  sort -u "$list" -o "$list"
  # Update the source lists when the list changed or once a day.
  if ! cmp -s "$list" "$a/sources.list" || [ -z "$(find "$a/state/lists" -maxdepth 1 -name '*Sources' -mtime -1)" ]; then
    mv "$list" "$a/sources.list"
    if ! apt-get "${apt_opts[@]}" update >"$bw/logs/apt-update.log" 2>&1; then
      tail -20 "$bw/logs/apt-update.log" >&2
      exit 1
    fi
  else
    rm -f "$list"
  fi
}

# fetch_source LIB: unpacks Debian's source of LIB into $bw/src/LIB and sets $version.
# Takes the newest version whose files the mirror has; where no version's Debian files can be
# had (the mirror may lack a .debian.tar.xz), the original tarball alone (--tar-only).
fetch_source() {
  local lib=$1 pkg=${srcpkg[$1]} dl=$bw/sources/${srcpkg[$1]} v versions mode=
  mkdir -p "$dl"
  versions=$(apt-cache "${apt_opts[@]}" showsrc "$pkg" | awk '/^Package:/ { p = $2 } /^Version:/ && p == "'"$pkg"'" { print $2 }' |
    sort -u | sort -r -V)
  [ -n "$versions" ] || {
    echo "no source package $pkg"
    return 1
  }
  for v in $versions; do
    if (cd "$dl" && apt-get "${apt_opts[@]}" source --download-only "$pkg=$v"); then
      mode=debian
      break
    fi
  done
  if [ -z "$mode" ]; then
    for v in $versions; do
      if (cd "$dl" && apt-get "${apt_opts[@]}" source --download-only --tar-only "$pkg=$v"); then
        mode=orig
        break
      fi
    done
  fi
  [ -n "$mode" ] || {
    echo "cannot download any version of $pkg"
    return 1
  }
  version=${v#*:}
  local upstream=${version%-*} src=$bw/src/$lib
  rm -rf "$src"
  if [ $mode = debian ]; then
    dpkg-source --no-check -x "$dl/${pkg}_${version}.dsc" "$src"
    rm -f "$bw/src/${pkg}_"*  # dpkg-source leaves a copy of the original tarball beside it
  else
    local tarball='' t
    for t in "$dl/${pkg}_${upstream}.orig.tar."*; do
      case $t in *.asc) ;; *) tarball=${tarball:-$t} ;; esac
    done
    [ -n "$tarball" ]
    mkdir -p "$src"
    tar -xf "$tarball" -C "$src" --strip-components=1
    version="$upstream (no Debian patches)"
  fi
  echo "$version" >"$bw/src/$lib.version"
  echo "source: $pkg $version"
}

# ---------------------------------------------------------------------------------------------
# Build helpers. Each runs in $src with the environment for cross-building.

export PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig PKG_CONFIG_PATH=
cross_env=("CC=$host-gcc-posix" "CXX=$host-g++-posix" "AR=$host-ar" "RANLIB=$host-ranlib"
  "STRIP=$host-strip" "RC=$host-windres" "WINDRES=$host-windres")

cmake_build() { # [source subdir] -- cmake options...
  local dir=.
  if [ "${1:-}" != -- ]; then
    dir=$1
    shift
  fi
  shift
  cmake -S "$dir" -B _build -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCONSENTGEN_WIN_PREFIX="$prefix" \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
    -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_POLICY_DEFAULT_CMP0074=NEW "$@"
  cmake --build _build -j"$jobs"
  cmake --install _build
}

meson_build() { # meson options...
  meson setup _build --cross-file "$bw/meson-cross.ini" --prefix="$prefix" --libdir=lib \
    --buildtype=release --default-library=static --wrap-mode=nodownload "$@"
  ninja -C _build -j"$jobs"
  meson install -C _build --no-rebuild
}

configure_build() { # configure options...
  # Old tarballs guess no build system and know no mingw-w64 host; take Debian's current
  # config.guess and config.sub, as Debian's own builds do (dh_update_autotools_config).
  find . -name config.guess -exec cp /usr/share/misc/config.guess {} \;
  find . -name config.sub -exec cp /usr/share/misc/config.sub {} \;
  env "${cross_env[@]}" CPPFLAGS="-I$prefix/include" LDFLAGS="-L$prefix/lib" \
    ./configure --host=$host --prefix="$prefix" --libdir="$prefix/lib" --disable-shared --enable-static "$@"
  make -j"$jobs"
  make install
}

write_meson_cross() {
  cat >"$bw/meson-cross.ini" <<EOF
[binaries]
c = '$host-gcc-posix'
cpp = '$host-g++-posix'
ar = '$host-ar'
strip = '$host-strip'
windres = '$host-windres'
pkgconfig = 'pkg-config'

[properties]
pkg_config_libdir = '$prefix/lib/pkgconfig'

[built-in options]
c_args = ['-I$prefix/include']
cpp_args = ['-I$prefix/include']
c_link_args = ['-L$prefix/lib', '-static-libgcc']
cpp_link_args = ['-L$prefix/lib', '-static-libgcc', '-static-libstdc++']

[host_machine]
system = 'windows'
cpu_family = 'x86_64'
cpu = 'x86_64'
endian = 'little'
EOF
}

# pc_cflags FILE FLAGS: adds FLAGS to the Cflags of an installed .pc file.
pc_cflags() {
  sed -i "s|^Cflags:\(.*\)|Cflags:\1 $2|" "$prefix/lib/pkgconfig/$1"
}

# ---------------------------------------------------------------------------------------------
# One function per library.

build_zlib() {
  env "${cross_env[@]}" CHOST=$host ./configure --static --prefix="$prefix" --libdir="$prefix/lib"
  make -j"$jobs" libz.a
  make install
}

build_libpng() {
  cmake_build -- -DPNG_SHARED=OFF -DPNG_STATIC=ON -DPNG_TESTS=OFF -DPNG_EXECUTABLES=OFF -DSKIP_INSTALL_PROGRAMS=ON
}

build_libharu() {
  # Debian's fix-version.diff (its .debian.tar.xz may be missing from the mirror): the release
  # calls itself 2.3.0, not 2.3.0RC2. The version goes into every PDF's /Producer, so this
  # keeps PDFs from the Windows build byte-identical to those from Debian's libharu.
  sed -i 's/^#define HPDF_EXTRA_VERSION "RC2"/#define HPDF_EXTRA_VERSION ""/; s/^#define HPDF_VERSION_TEXT "2.3.0RC2"/#define HPDF_VERSION_TEXT "2.3.0"/' \
    include/hpdf_version.h
  grep -q '^#define HPDF_VERSION_TEXT "2.3.0"$' include/hpdf_version.h
  sed -i 's/(no Debian patches)/(upstream + version fix)/' "$bw/src/libharu.version"
  # Static only: the MinGW DLL's def file exports none of the internal functions consentgen uses.
  cmake_build -- -DLIBHPDF_SHARED=OFF -DLIBHPDF_STATIC=ON -DLIBHPDF_EXAMPLES=OFF -DDEVPAK=OFF
  # Its CMake calls the static library hpdfs; consentgen asks for hpdf.
  mv "$prefix/lib/libhpdfs.a" "$prefix/lib/libhpdf.a"
  # It leaves out some headers that Debian's package installs (hpdf_namedict.h).
  local h
  for h in include/hpdf*.h; do
    [ -e "$prefix/include/${h#include/}" ] || cp "$h" "$prefix/include/"
  done
  # It installs its README, CHANGES and other languages' bindings into the prefix's top folder.
  rm -rf "$prefix/README" "$prefix/CHANGES" "$prefix/INSTALL" "$prefix/if"
}

build_libyaml() {
  cmake_build -- -DBUILD_TESTING=OFF -DINSTALL_CMAKE_DIR=lib/cmake/yaml
  # Its CMake installs no .pc file; write the one autotools would, for a static library.
  local v
  v=$(sed -n 's/^set *(YAML_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\))/\2/p' CMakeLists.txt | paste -sd.)
  cat >"$prefix/lib/pkgconfig/yaml-0.1.pc" <<EOF
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: LibYAML
Description: Library to parse and emit YAML
Version: $v
Cflags: -I\${includedir} -DYAML_DECLARE_STATIC
Libs: -L\${libdir} -lyaml
EOF
}

build_md4c() {
  cmake_build --
  rm -f "$prefix/bin/md2html.exe"
}

build_libcsv() {
  configure_build
}

build_utf8proc() {
  cmake_build --
  # Its .pc tells users to declare the functions dllexport; a static library needs UTF8PROC_STATIC.
  sed -i 's/-DUTF8PROC_EXPORTS/-DUTF8PROC_STATIC/' "$prefix/lib/pkgconfig/libutf8proc.pc"
}

build_fribidi() {
  meson_build -Ddocs=false
  rm -f "$prefix/bin/fribidi.exe"
}

build_harfbuzz() {
  # Only HarfBuzz's own OpenType code: no glib, FreeType, ICU, cairo, Graphite or Windows shapers.
  meson_build -Dglib=disabled -Dgobject=disabled -Dcairo=disabled -Dchafa=disabled -Dicu=disabled \
    -Dgraphite=disabled -Dgraphite2=disabled -Dfreetype=disabled -Dgdi=disabled -Ddirectwrite=disabled \
    -Dcoretext=disabled -Dtests=disabled -Dintrospection=disabled -Ddocs=disabled \
    -Dbenchmark=disabled -Dicu_builtin=false -Dexperimental_api=false
}

build_qrencode() {
  cmake_build -- -DWITH_TOOLS=NO -DWITH_TESTS=NO -DWITHOUT_PNG=YES
}

build_xxhash() {
  cmake_build cmake_unofficial -- -DXXHASH_BUILD_XXHSUM=OFF
}

build_libintl() {
  # gettext's libintl alone (gettext-runtime/intl), without iconv: consentgen's catalogues
  # are UTF-8 and so is its console output, so no charset conversion is needed.
  cd gettext-runtime
  env "${cross_env[@]}" ./configure --host=$host --prefix="$prefix" --libdir="$prefix/lib" \
    --disable-shared --enable-static --disable-java --disable-csharp --disable-libasprintf \
    --disable-openmp --disable-curses --without-libiconv-prefix --without-libintl-prefix \
    --without-emacs --without-git --disable-c++ --disable-rpath
  make -j"$jobs" -C intl
  make -C intl install
}

build_cmocka() {
  cmake_build -- -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF
  # Keep only the static library, under the name the .pc file gives (-lcmocka).
  rm -f "$prefix/lib/libcmocka.dll.a" "$prefix/bin/cmocka.dll"
  mv "$prefix/lib/libcmocka-static.a" "$prefix/lib/libcmocka.a"
}

build_libjpeg() {
  # Its CMake takes relative install folders as relative to the source tree: give absolute ones.
  cmake_build -- -DENABLE_SHARED=OFF -DENABLE_STATIC=ON -DWITH_TURBOJPEG=OFF -DWITH_JPEG8=OFF \
    -DCMAKE_INSTALL_LIBDIR="$prefix/lib" -DCMAKE_INSTALL_INCLUDEDIR="$prefix/include" \
    -DCMAKE_INSTALL_BINDIR="$PWD/_unused/bin" -DCMAKE_INSTALL_DATAROOTDIR="$PWD/_unused/share" \
    -DCMAKE_INSTALL_DOCDIR="$PWD/_unused/doc" -DCMAKE_INSTALL_MANDIR="$PWD/_unused/man"
}

build_libtiff() {
  cmake_build -- -Dtiff-tools=OFF -Dtiff-tests=OFF -Dtiff-contrib=OFF -Dtiff-docs=OFF \
    -Djbig=OFF -Dlzma=OFF -Dzstd=OFF -Dwebp=OFF -Dlerc=OFF -Dlibdeflate=OFF -Dpixarlog=OFF \
    -Dcxx=OFF -Djpeg=ON -Dzlib=ON
}

build_leptonica() {
  cmake_build -- -DSW_BUILD=OFF -DBUILD_PROG=OFF -DENABLE_GIF=OFF -DENABLE_WEBP=OFF \
    -DENABLE_OPENJPEG=OFF -DENABLE_ZLIB=ON -DENABLE_PNG=ON -DENABLE_JPEG=ON -DENABLE_TIFF=ON
  # Its .pc lists none of the image libraries it was built with; a static link needs them.
  grep -q '^-- Found TIFF: ' "$bw/logs/leptonica.log"
  sed -i 's/^Libs.private:.*/Requires.private: libtiff-4 libpng16 libjpeg zlib/' "$prefix/lib/pkgconfig/lept.pc"
}

# --check: the smoke test built against the prefix through the toolchain file, run under wine
# (its own WINEPREFIX under build-windows/), its PDF checked with qpdf and pdftotext, and where
# Debian's -dev packages are installed, its output compared with the same program on Linux.
run_check() {
  local s=$bw/smoke l=$bw/smoke-linux log=$bw/logs/check.log t0=$SECONDS
  local latin=/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf
  local arabic=/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf
  export WINEPREFIX=${WINEPREFIX:-$bw/wine} WINEDEBUG=${WINEDEBUG:--all}
  fail() {
    printf '%-10s %-34s FAILED: %s, see %s\n' check smoke "$1" "${log#"$root"/}"
    exit 1
  }
  [ -f "$latin" ] && [ -f "$arabic" ] || fail "needs fonts-liberation2 and fonts-noto-core"
  {
    rm -rf "$s" "$l"
    cmake -S "$root/scripts/windows-smoke" -B "$s" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
      -DCONSENTGEN_WIN_PREFIX="$prefix" && cmake --build "$s"
  } >"$log" 2>&1 || fail "cannot build it"
  x86_64-w64-mingw32-objdump -p "$s/smoke.exe" | grep 'DLL Name' >>"$log"
  if x86_64-w64-mingw32-objdump -p "$s/smoke.exe" | grep 'DLL Name' | grep -viq 'kernel32\|advapi32\|msvcrt'; then
    fail "smoke.exe needs a DLL that Windows does not have"
  fi
  mkdir -p "$s/locale/de/LC_MESSAGES"
  printf 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "the form is ready"\nmsgstr "das Formular ist fertig"\n' >"$s/de.po"
  msgfmt -o "$s/locale/de/LC_MESSAGES/smoke.mo" "$s/de.po"
  # Console output in text mode ends lines with CR LF on Windows.
  (cd "$s" && LANGUAGE=de wine ./smoke.exe "$latin" "$arabic" win.pdf locale 2>>"$log" | tr -d '\r' >win.txt) ||
    fail "smoke.exe failed under wine"
  cat "$s/win.txt" >>"$log"
  grep -q '^libintl: das Formular ist fertig$' "$s/win.txt" || fail "no German message from libintl"
  qpdf --check "$s/win.pdf" >>"$log" 2>&1 || fail "qpdf finds the PDF broken"
  pdftotext "$s/win.pdf" - 2>>"$log" | grep -q 'Einwilligung der Schülerin Jörg Müller' || fail "pdftotext misses the text"
  (cd "$s" && ctest --output-on-failure) >>"$log" 2>&1 || fail "cmocka test under wine failed"
  if [ -x "$s/smoke_scan.exe" ]; then
    mkdir -p "$s/scan-out"
    (cd "$s" && wine ./smoke_scan.exe scan-out 2>>"$log" | tr -d '\r' >scan-win.txt) || fail "smoke_scan.exe failed under wine"
    grep -c 'black pixels' "$s/scan-win.txt" | grep -q '^3$' || fail "leptonica did not read all three images"
  fi
  if [ -x "$s/smoke_pdf.exe" ]; then
    (cd "$s" && wine ./smoke_pdf.exe win.pdf 2>>"$log" | tr -d '\r' >pdf-win.txt) || fail "smoke_pdf.exe failed under wine"
    grep -q 'text "Einwilligung der Schülerin Jörg Müller, Größe 5a"' "$s/pdf-win.txt" || fail "poppler misread the PDF"
  fi
  local same="not compared with Linux (Debian's -dev packages missing)"
  if env -u PKG_CONFIG_LIBDIR -u PKG_CONFIG_PATH cmake -S "$root/scripts/windows-smoke" -B "$l" -G Ninja >>"$log" 2>&1 &&
    cmake --build "$l" >>"$log" 2>&1; then
    (cd "$l" && LANGUAGE=de LC_ALL=C.UTF-8 ./smoke "$latin" "$arabic" linux.pdf "$s/locale" >linux.txt 2>>"$log")
    diff -u "$l/linux.txt" "$s/win.txt" >>"$log" || fail "output differs from Linux"
    cmp "$l/linux.pdf" "$s/win.pdf" >>"$log" || fail "PDF differs from Linux"
    if [ -x "$l/smoke_scan" ] && [ -f "$s/scan-win.txt" ]; then
      mkdir -p "$l/scan-out"
      (cd "$l" && ./smoke_scan scan-out | grep 'black pixels' >scan-linux.txt)
      grep 'black pixels' "$s/scan-win.txt" | diff -u "$l/scan-linux.txt" - >>"$log" || fail "leptonica differs from Linux"
    fi
    if [ -x "$l/smoke_pdf" ] && [ -f "$s/pdf-win.txt" ]; then
      (cd "$l" && ./smoke_pdf "$s/win.pdf" >pdf-linux.txt)
      diff -u "$l/pdf-linux.txt" "$s/pdf-win.txt" >>"$log" || fail "poppler's rendering differs from Linux"
    fi
    same="output and PDF identical to Linux"
  fi
  printf '%-10s %-34s passed in %d s, %s\n' check "smoke test under wine" $((SECONDS - t0)) "$same"
}

build_libffi() {
  configure_build --disable-docs --disable-multi-os-directory --disable-exec-static-tramp
  sed -i 's/^Libs: -lffi/Libs: -L${libdir} -lffi/' "$prefix/lib/pkgconfig/libffi.pc"
}

build_pcre2() {
  cmake_build -- -DPCRE2_BUILD_PCRE2_8=ON -DPCRE2_BUILD_PCRE2_16=OFF -DPCRE2_BUILD_PCRE2_32=OFF \
    -DPCRE2_BUILD_TESTS=OFF -DPCRE2_BUILD_PCRE2GREP=OFF -DPCRE2_SUPPORT_JIT=OFF -DPCRE2_SUPPORT_UNICODE=ON
  pc_cflags libpcre2-8.pc -DPCRE2_STATIC
}

build_glib() {
  meson_build -Dtests=false -Dinstalled_tests=false -Dnls=disabled -Dman=false -Dgtk_doc=false \
    -Dselinux=disabled -Dxattr=false -Dlibmount=disabled -Dsysprof=disabled -Dlibelf=disabled \
    -Ddtrace=false -Dsystemtap=false -Dglib_debug=disabled -Dbsymbolic_functions=false -Doss_fuzz=disabled
}

build_pixman() {
  meson_build -Dtests=disabled -Dgtk=disabled -Dlibpng=disabled -Dopenmp=disabled
}

build_freetype() {
  cmake_build -- -DFT_DISABLE_BROTLI=ON -DFT_DISABLE_BZIP2=ON -DFT_DISABLE_HARFBUZZ=ON \
    -DFT_REQUIRE_ZLIB=ON -DFT_REQUIRE_PNG=ON
}

build_cairo() {
  # Debian's 02_am-maintainer-mode.patch changes configure.ac, so regenerate the build system as
  # Debian's own build does (without gtk-doc, whose documentation is not built here).
  # Debian's 03_export-symbols.patch adds a second symbol list to the link, which libtool refuses
  # on Windows (where cairo.def is the list already); for a static library it means nothing.
  patch -R -p1 <debian/patches/03_export-symbols.patch
  GTKDOCIZE=true autoreconf -fi
  find . -name config.guess -exec cp /usr/share/misc/config.guess {} \;
  find . -name config.sub -exec cp /usr/share/misc/config.sub {} \;
  env "${cross_env[@]}" CPPFLAGS="-I$prefix/include" LDFLAGS="-L$prefix/lib" \
    ./configure --host=$host --prefix="$prefix" --libdir="$prefix/lib" --disable-shared --enable-static \
    --enable-win32 --enable-win32-font --enable-ft --disable-fc --enable-png \
    --disable-xlib --disable-xcb --disable-gtk-doc --disable-interpreter --disable-trace \
    --disable-gobject --disable-script --disable-ps --disable-pdf --disable-svg --disable-full-testing
  # The library only: not its tests, benchmarks and tools.
  make -j"$jobs" -C src
  make -C src install
  # Its .pc leaves out the Windows libraries a static cairo needs, and libssp for the
  # _FORTIFY_SOURCE its configure turns on.
  sed -i 's/^Libs.private:.*/Libs.private: -lgdi32 -lmsimg32 -lpthread -lssp/' "$prefix/lib/pkgconfig/cairo.pc"
}

build_poppler() {
  cmake_build -- -DENABLE_UTILS=OFF -DENABLE_CPP=OFF -DENABLE_GLIB=ON -DENABLE_GOBJECT_INTROSPECTION=OFF \
    -DENABLE_QT5=OFF -DENABLE_QT6=OFF -DENABLE_BOOST=OFF -DENABLE_LIBOPENJPEG=none -DENABLE_LCMS=OFF \
    -DENABLE_NSS3=OFF -DENABLE_GPGME=OFF -DENABLE_LIBCURL=OFF -DENABLE_GTK_DOC=OFF \
    -DBUILD_GTK_TESTS=OFF -DBUILD_CPP_TESTS=OFF -DBUILD_MANUAL_TESTS=OFF -DBUILD_QT5_TESTS=OFF \
    -DBUILD_QT6_TESTS=OFF -DENABLE_DCTDECODER=libjpeg -DFONT_CONFIGURATION=win32 -DRUN_GPERF_IF_PRESENT=OFF
  # Its .pc files name none of the libraries a static poppler needs (poppler-glib uses gio too).
  grep -q '^  use libtiff: *yes' "$bw/logs/poppler.log"
  sed -i '/^Requires.private:/d; $a Requires.private: freetype2 libjpeg libpng16 libtiff-4 zlib' \
    "$prefix/lib/pkgconfig/poppler.pc"
  sed -i 's/^Requires.private: *poppler.*/& gio-2.0 freetype2/' "$prefix/lib/pkgconfig/poppler-glib.pc"
}

list_prefix() {
  (cd "$prefix" && find . \( -type f -o -type l \) | LC_ALL=C sort)
}

# ---------------------------------------------------------------------------------------------

mkdir -p "$bw/logs" "$bw/stamps" "$bw/src" "$bw/sources" "$prefix/lib/pkgconfig" "$prefix/include"
install_host_tools
for lib in "${rebuild[@]}"; do
  [ -n "${srcpkg[$lib]:-}" ] || {
    echo "build-windows: no library '$lib'" >&2
    exit 2
  }
  rm -f "$bw/stamps/$lib"
done
write_meson_cross
apt_ready=0
start=$SECONDS
failed=0
for lib in "${libs[@]}"; do
  stamp=$bw/stamps/$lib
  if [ -f "$stamp" ]; then
    printf '%-10s %-34s up to date (built in %s s)\n' "$lib" "$(sed -n 1p "$stamp")" "$(sed -n 2p "$stamp")"
    continue
  fi
  if [ $apt_ready = 0 ]; then
    setup_apt
    apt_ready=1
  fi
  log=$bw/logs/$lib.log
  t0=$SECONDS
  rm -f "$bw/src/$lib.version"
  # Take out what the library installed last time, so that its build sees none of its old headers.
  files=$bw/stamps/$lib.files
  [ -f "$files" ] && (cd "$prefix" && xargs -d '\n' rm -f <"$files")
  list_prefix >"$bw/stamps/.before"
  set +e
  (
    set -e
    fetch_source "$lib"
    cd "$bw/src/$lib"
    set -x
    "build_$lib"
  ) >"$log" 2>&1
  rc=$?
  set -e
  # What it installed, also after a failure, so that the next try takes that out first.
  list_prefix | LC_ALL=C comm -13 "$bw/stamps/.before" - >"$files"
  version=$(cat "$bw/src/$lib.version" 2>/dev/null || true)
  if [ $rc = 0 ]; then
    # Only static libraries stay: no libtool archives, DLLs, programs or manual pages.
    rm -rf "$prefix"/lib/*.la "$prefix"/bin/*.dll "$prefix"/bin/*.exe "$prefix/share/man"
    list_prefix | LC_ALL=C comm -13 "$bw/stamps/.before" - >"$files"
    printf '%s\n%s\n' "$version" $((SECONDS - t0)) >"$stamp"
    printf '%-10s %-34s built in %d s\n' "$lib" "$version" $((SECONDS - t0))
    # The unpacked source and build tree go; the downloads in sources/ stay for a rebuild.
    [ "${KEEP_SOURCES:-0}" = 1 ] || rm -rf "$bw/src/$lib"
  else
    printf '%-10s %-34s FAILED after %d s, see %s\n' "$lib" "$version" $((SECONDS - t0)) "${log#"$root"/}"
    tail -15 "$log" | sed 's/^/    /'
    failed=1
    break
  fi
done
[ $failed = 0 ] || exit 1
echo "build-windows: $(du -sh "$prefix" | cut -f1) in ${prefix#"$root"/} ($((SECONDS - start)) s this run)"
[ $check = 0 ] || run_check
[ $zip = 0 ] || "$root/scripts/package-windows.sh"
