#!/bin/sh
# pipeline.sh - builds bench/pipeline (release build dir) and runs it, optionally after waiting
# for a quiet machine; prints the commit and build type above the program's markdown table.
# Usage: bench/pipeline.sh [--quick] [--reps N] [--cpu N]   (knobs: see bench/README.md)
set -eu
cd "$(dirname "$0")/.."
BUILD=${PB_BUILD:-build-pbench}
MAX_LOAD=${MAX_LOAD:-1.0}
MAX_WAIT=${MAX_WAIT:-0}

[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release >/dev/null
ninja -C "$BUILD" bench/pipeline >/dev/null

waited=0
while [ "$waited" -lt "$MAX_WAIT" ] && awk -v m="$MAX_LOAD" '{ exit !($1 > m) }' /proc/loadavg; do
	[ "$waited" -eq 0 ] && echo "pipeline.sh: waiting up to ${MAX_WAIT}s for loadavg < $MAX_LOAD" >&2
	sleep 5
	waited=$((waited + 5))
done
if awk -v m="$MAX_LOAD" '{ exit !($1 > m) }' /proc/loadavg; then
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	echo "pipeline.sh: warning: loadavg $load (> $MAX_LOAD): expect noise" >&2
fi

rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src bench 2>/dev/null || rev="$rev + uncommitted changes"
btype=$(meson introspect --buildoptions "$BUILD" | python3 -c 'import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"))')
echo "commit $rev, build $BUILD (buildtype $btype; bench/pipeline at -O3), kernel $(uname -r)"
exec "$BUILD/bench/pipeline" "$@"
