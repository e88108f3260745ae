#!/bin/sh
# Runs every fuzz target for FUZZTIME each (default 10s). A failure prints
# the fuzzer's output, and the failing input is kept in testdata/fuzz.
set -eu
cd "$(dirname "$0")/.."
time=${FUZZTIME:-10s}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
		echo "fuzz $pkg $target ($time)"
		if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$time" "$pkg" >"$log" 2>&1; then
			grep -v '^fuzz: elapsed' "$log" | tail -n 40
			exit 1
		fi
	done
done
