#!/bin/sh
# lint.sh - check that every C file is formatted per .clang-format (used by `ninja clang-format-check`).
set -eu
CF=${1:-clang-format}
cd "$(dirname "$0")/.."
bad=0
for f in $(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c' 2>/dev/null || find src tests bench -name '*.[ch]'); do
	if ! "$CF" --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "needs clang-format: $f"
		bad=1
	fi
done
exit $bad
