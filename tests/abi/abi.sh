#!/bin/sh
# The ABI check (policy: include/clerk/version.h, CLERK_ABI_VERSION).
#
#   tests/abi/abi.sh check  [BUILD_DIR]   compare the built libclerk.so with
#                                         the last release's ABI
#   tests/abi/abi.sh update [BUILD_DIR]   record the built library as the
#                                         release's ABI (at a release only)
#
# The release's ABI is tests/abi/libclerk.abi.xz: libabigail's abidw XML of
# the public types and functions (the headers in include/, api/ and model/;
# types defined elsewhere, like the structs behind opaque handles, are
# dropped), compressed.  `check` runs abidw on BUILD_DIR/libclerk.so (default: build;
# it needs debug info, e.g. RelWithDebInfo) and abidiff against the record,
# prints the changes, and fails when a function or variable was removed or
# changed (a public struct it uses changed included) while the SONAME is
# still the release's.  Added functions and types pass.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$(dirname "$here")")
mode=${1:-}
build=${2:-$top/build}
record=$here/libclerk.abi.xz

for tool in abidw abidiff xz; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "abi: $tool is missing (Debian: abigail-tools, xz-utils)" >&2
        exit 2
    fi
done
lib=$build/libclerk.so
if [ ! -e "$lib" ]; then
    echo "abi: $lib is not built" >&2
    exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

abidw --no-corpus-path --drop-private-types --headers-dir "$top/include" \
      --headers-dir "$top/api" --headers-dir "$top/model" \
      --out-file "$work/now.abi" "$lib"

case $mode in
update)
    xz -9 -c "$work/now.abi" >"$record"
    echo "abi: recorded $(grep -o "soname='[^']*'" "$work/now.abi" | head -1)" \
         "in tests/abi/libclerk.abi.xz"
    ;;
check)
    xz -dc "$record" >"$work/release.abi"
    was=$(grep -o "soname='[^']*'" "$work/release.abi" | head -1)
    now=$(grep -o "soname='[^']*'" "$work/now.abi" | head -1)
    rc=0
    abidiff --no-show-locs "$work/release.abi" "$work/now.abi" \
        >"$work/diff.txt" || rc=$?
    if [ $((rc & 1)) -ne 0 ]; then
        cat "$work/diff.txt" >&2
        echo "abi: abidiff failed ($rc)" >&2
        exit 2
    fi
    # Summary lines: "Functions changes summary: R Removed, C Changed
    # (F filtered out), A Added functions" and the same for variables.
    breaking=$(awk '/changes summary:/ {
                        for (i = 1; i <= NF; i++) {
                            if ($i ~ /^Removed/ || $i ~ /^Changed/)
                                n += $(i - 1)
                        }
                    } END { print n + 0 }' "$work/diff.txt")
    if [ "$rc" -eq 0 ]; then
        echo "abi: same ABI as the release ($now)"
        exit 0
    fi
    cat "$work/diff.txt"
    if [ "$breaking" -gt 0 ] && [ "$was" = "$now" ]; then
        echo "abi: FAIL: $breaking functions or variables removed or changed" \
             "since the release, and the SONAME is still $now." >&2
        echo "abi: increment CLERK_ABI_VERSION in include/clerk/version.h" \
             "(see the ABI policy there)." >&2
        exit 1
    fi
    if [ "$breaking" -gt 0 ]; then
        echo "abi: incompatible changes since the release ($was), SONAME" \
             "bumped to $now: ok"
    else
        echo "abi: compatible additions since the release ($now): ok"
    fi
    ;;
*)
    echo "usage: $0 check|update [BUILD_DIR]" >&2
    exit 2
    ;;
esac
