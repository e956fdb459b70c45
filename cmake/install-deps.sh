#!/bin/sh
# Installs what building and testing libclerk needs on Debian 12, when
# missing: apt packages, then the npm packages pinned in
# tests/contract/package-lock.json (Stoplight Prism).  Run as root (or with
# sudo available).  Safe to run again: it installs only what is missing.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

pkgs="build-essential cmake pkg-config clang libcurl4-openssl-dev libcjson-dev \
libssl-dev libcmocka-dev python3 python3-jinja2 python3-yaml openssl \
nginx-light valgrind clang-format libclang-rt-14-dev curl ca-certificates \
libuv1-dev locales abigail-tools xz-utils libsimdjson-dev g++ doxygen"

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
# Node.js may come from elsewhere (e.g. NodeSource, which bundles npm).
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "install-deps: apt-get install$missing"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

# The locale tests (tests/runtime/test_rt_locale.c) run under de_DE.UTF-8,
# whose decimal separator is a comma; generate it once if it is missing.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "install-deps: locale-gen de_DE.UTF-8"
    if grep -q '^# *de_DE\.UTF-8 UTF-8' /etc/locale.gen; then
        $sudo sed -i 's/^# *\(de_DE\.UTF-8 UTF-8\)/\1/' /etc/locale.gen
    elif ! grep -q '^de_DE\.UTF-8 UTF-8' /etc/locale.gen; then
        echo 'de_DE.UTF-8 UTF-8' | $sudo tee -a /etc/locale.gen >/dev/null
    fi
    $sudo locale-gen >/dev/null
fi

if [ -f "$top/tests/contract/package-lock.json" ] &&
   [ ! -x "$top/tests/contract/node_modules/.bin/prism" ]; then
    echo "install-deps: npm ci (tests/contract)"
    (cd "$top/tests/contract" && npm ci --no-audit --no-fund --loglevel=error)
fi
