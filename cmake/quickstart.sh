#!/bin/sh
# Quick start: install what is missing, build libclerk, start a local mock of
# the Clerk API (Stoplight Prism serving the OpenAPI document on 127.0.0.1)
# and list users against it with examples/list_users.
#
#   CLERK_OPENAPI_SPEC  the spec (default: ../shared/openapi/clerk-bapi-2026-05-12.yml)
#   BUILD_DIR           build folder (default: build)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
spec=${CLERK_OPENAPI_SPEC:-$top/../shared/openapi/clerk-bapi-2026-05-12.yml}
build=${BUILD_DIR:-$top/build}

if [ ! -f "$spec" ]; then
    echo "quickstart: no OpenAPI document at $spec" >&2
    echo "quickstart: put clerk-bapi-2026-05-12.yml there, or set CLERK_OPENAPI_SPEC to its path" >&2
    exit 1
fi

"$top/cmake/install-deps.sh"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCLERK_OPENAPI_SPEC="$spec" >/dev/null
# The libraries too, so that `cmake --install` works on this tree.
cmake --build "$build" -j"$(nproc)" --target clerk clerk_static list_users

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log="$build/quickstart-prism.log"
# The mock stops by itself after 120 s even if this script is killed.
timeout 120 "$top/tests/contract/node_modules/.bin/prism" mock \
    -h 127.0.0.1 -p "$port" "$spec" >"$log" 2>&1 &
prism=$!
trap 'kill $prism 2>/dev/null || true' EXIT INT TERM
i=0
until python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 $prism 2>/dev/null; then
        echo "quickstart: the mock server did not start; see $log" >&2
        exit 1
    fi
    sleep 0.2
done
echo "quickstart: Prism mock of the Clerk API on http://127.0.0.1:$port (spec: $spec)"
CLERK_API_URL="http://127.0.0.1:$port/" CLERK_SECRET_KEY=sk_test_quickstart \
    "$build/examples/list_users"
echo "quickstart: this mock stops now; cmake/mock.sh start keeps one running"
