#!/bin/sh
# A local mock of the Clerk API for experiments: Stoplight Prism serving the
# OpenAPI document on 127.0.0.1, kept running until `stop` (or for
# CLERK_MOCK_TTL seconds, default 3600).
#
#   cmake/mock.sh start     start it; prints the base URL to use
#   cmake/mock.sh status    print the base URL if it is running (exit 1 if not)
#   cmake/mock.sh stop      stop it
#
#   CLERK_OPENAPI_SPEC  the spec (default: ../shared/openapi/clerk-bapi-2026-05-12.yml)
#   CLERK_MOCK_SEED     N: generated data from seed N instead of the spec's examples
#   CLERK_MOCK_DIR      state and log folder (default: build/mock)
#
# The mock serves the spec's paths at its root: the base URL has no /v1.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
spec=${CLERK_OPENAPI_SPEC:-$top/../shared/openapi/clerk-bapi-2026-05-12.yml}
dir=${CLERK_MOCK_DIR:-$top/build/mock}
state="$dir/prism.state"
prism="$top/tests/contract/node_modules/.bin/prism"
py=/usr/bin/python3
[ -x "$py" ] || py=python3

running() {
    [ -f "$state" ] && kill -0 "$(sed -n 2p "$state")" 2>/dev/null
}

case "${1:-}" in
start)
    if running; then
        echo "mock: already running at $(sed -n 1p "$state")"
        exit 0
    fi
    if [ ! -f "$spec" ]; then
        echo "mock: no OpenAPI document at $spec" >&2
        echo "mock: set CLERK_OPENAPI_SPEC to the Clerk spec (clerk-bapi-2026-05-12.yml)" >&2
        exit 1
    fi
    if [ ! -x "$prism" ]; then
        echo "mock: Prism is not installed; run cmake/install-deps.sh" >&2
        exit 1
    fi
    mkdir -p "$dir"
    # The copy Prism serves (tests/contract/derive_spec.py says what differs).
    "$py" "$top/tests/contract/derive_spec.py" "$spec" "$dir/spec.json" 2>/dev/null
    set -- start --prism "$prism" --spec "$dir/spec.json" --state "$state" \
        --ttl "${CLERK_MOCK_TTL:-3600}" --no-watch
    [ -z "${CLERK_MOCK_SEED:-}" ] || set -- "$@" --seed "$CLERK_MOCK_SEED"
    "$py" "$top/tests/contract/prism_ctl.py" "$@" >/dev/null
    # With a trailing "/": as $CLERK_API_URL the URL is then taken as the
    # base URL as it is (no "/v1" appended; the mock has none).
    url="$(sed -n 1p "$state" | sed 's|/*$||')/"
    echo "mock: Prism mock of the Clerk API at $url (log: $(sed -n 3p "$state"))"
    echo "mock: try  CLERK_API_URL=$url CLERK_SECRET_KEY=sk_test_mock ./build/examples/list_users"
    ;;
status)
    if running; then
        echo "$(sed -n 1p "$state" | sed 's|/*$||')/"
    else
        echo "mock: not running" >&2
        exit 1
    fi
    ;;
stop)
    if [ ! -f "$state" ]; then
        echo "mock: not running"
        exit 0
    fi
    "$py" "$top/tests/contract/prism_ctl.py" stop --state "$state" >/dev/null
    echo "mock: stopped"
    ;;
*)
    echo "usage: $0 start|status|stop" >&2
    exit 2
    ;;
esac
