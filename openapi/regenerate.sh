#!/bin/sh
# Regenerate api/ and model/ from the Clerk OpenAPI document.
#   openapi/regenerate.sh [SPEC]
# SPEC defaults to $CLERK_OPENAPI_SPEC, else
# ../shared/openapi/clerk-bapi-2026-05-12.yml next to the repository.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
spec=${1:-${CLERK_OPENAPI_SPEC:-$(dirname "$repo")/shared/openapi/clerk-bapi-2026-05-12.yml}}
exec /usr/bin/python3 "$here/generate.py" --spec "$spec" --out "$repo"
