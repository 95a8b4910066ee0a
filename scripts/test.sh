#!/usr/bin/env bash
# test.sh - everything CI checks: the default build (-Werror) and unit tests, the same under
# ASan+UBSan, the libFuzzer targets for a bounded time, clang-format, and the system tests
# (pytest + scapy in network namespaces; needs root).  Exits non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

FUZZ_SECONDS=${FUZZ_SECONDS:-20}
results=()
failed=0

step() { # step NAME COMMAND... : runs one step, records PASS/FAIL (SKIP if it exits 77)
	local name=$1
	shift
	echo
	echo "==== $name"
	local t0=$SECONDS rc=0
	"$@" || rc=$?
	case $rc in
	0) results+=("PASS  $name ($((SECONDS - t0))s)") ;;
	77) results+=("SKIP  $name") ;;
	*)
		results+=("FAIL  $name ($((SECONDS - t0))s)")
		failed=1
		;;
	esac
}

setup_build() { # setup_build DIR [meson options...]
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson configure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@"
	fi
}

build_and_unit() { # build_and_unit DIR [meson options...]
	local dir=$1
	setup_build "$@" && ninja -C "$dir" && meson test -C "$dir" --suite unit --print-errorlogs
}

build_fuzz() {
	# tests/fuzz/meson.build adds -fsanitize=fuzzer,address,undefined to the targets.
	CC=clang setup_build build-fuzz -Dfuzz=true && ninja -C build-fuzz
}

run_fuzzers() {
	local targets=() t rc=0
	if ! grep -qs "executable" tests/fuzz/meson.build; then
		echo "no fuzz targets defined in tests/fuzz/meson.build"
		return 0
	fi
	for t in build-fuzz/tests/fuzz/fuzz-*; do
		[ -x "$t" ] && [ -f "$t" ] && targets+=("$t")
	done
	if [ ${#targets[@]} -eq 0 ]; then
		echo "tests/fuzz/meson.build defines targets but none was built" >&2
		return 1
	fi
	for t in "${targets[@]}"; do
		local name corpus
		name=$(basename "$t")
		corpus=$(mktemp -d)
		# Seed corpus, if the target ships one, is copied so that runs never write to the tree.
		[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$corpus/"
		echo "-- $name for ${FUZZ_SECONDS}s"
		if ! "$t" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
			-artifact_prefix="build-fuzz/$name-" "$corpus" 2>"build-fuzz/$name.log"; then
			echo "$name FAILED; last lines of build-fuzz/$name.log:" >&2
			tail -n 40 "build-fuzz/$name.log" >&2
			rc=1
		else
			grep -E '^stat::number_of_executed_units' "build-fuzz/$name.log" || true
		fi
		rm -rf "$corpus"
	done
	return $rc
}

system_tests() {
	if [ "$(id -u)" -ne 0 ]; then
		if [ "${CI:-}" = "true" ]; then
			echo "system tests need root and CI=true: failing" >&2
			return 1
		fi
		echo "system tests SKIPPED: they need root (network namespaces, veth, TAP)"
		return 77
	fi
	PB_BUILD=build /usr/bin/python3 -m pytest -v -p no:cacheprovider tests/system
}

deps() {
	if [ "$(id -u)" -eq 0 ]; then
		bash scripts/deps.sh
	else
		echo "not root: not installing packages (run scripts/deps.sh as root if a step fails)"
	fi
}

step "deps" deps
step "build + unit tests (build)" build_and_unit build -Dwerror=true
step "build + unit tests (build-asan, ASan+UBSan)" build_and_unit build-asan -Dwerror=true \
	-Db_sanitize=address,undefined -Db_lundef=false
step "build (build-fuzz, clang libFuzzer)" build_fuzz
if [ -f build-fuzz/build.ninja ]; then
	step "fuzz targets (${FUZZ_SECONDS}s each)" run_fuzzers
fi
step "lint (clang-format-check)" ninja -C build clang-format-check
step "system tests (pytest, PB_BUILD=build)" system_tests

echo
echo "==== summary"
printf '%s\n' "${results[@]}"
if [ $failed -ne 0 ]; then
	echo "test.sh: FAILED"
	exit 1
fi
echo "test.sh: all passed"
