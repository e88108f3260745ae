#!/bin/sh
# Runs every fuzz target for FUZZTIME each (default 10s). A failure prints
# the fuzzer's output, and the failing input is kept in testdata/fuzz.
#
# Go 1.26's fuzz coordinator can end a run at the -fuzztime deadline with
# a bare "context deadline exceeded" and no failing input (golang/go#75804,
# fixed in Go 1.27). A target fails here when the fuzzer wrote a failing
# input; the bare deadline is retried once and then reported, not failed.
set -eu
cd "$(dirname "$0")/.."
time=${FUZZTIME:-10s}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# inputs lists the failing inputs kept for a target.
inputs() { ls "$1/testdata/fuzz/$2" 2>/dev/null | sort; }

# fuzz runs one target; 0: passed, 1: a failing input, 2: the known race.
fuzz() {
	before=$(inputs "$3" "$2")
	if go test -run '^$' -fuzz "^$2\$" -fuzztime "$time" "$1" >"$log" 2>&1; then
		return 0
	fi
	if [ "$(inputs "$3" "$2")" = "$before" ] && grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
		return 2
	fi
	return 1
}

for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
		echo "fuzz $pkg $target ($time)"
		status=0
		fuzz "$pkg" "$target" "$dir" || status=$?
		if [ "$status" = 2 ]; then
			echo "  no failing input, only the fuzz coordinator's deadline (golang/go#75804): once more"
			status=0
			fuzz "$pkg" "$target" "$dir" || status=$?
			if [ "$status" = 2 ]; then
				echo "  again the coordinator's deadline and no failing input: not counted as a failure"
				status=0
			fi
		fi
		if [ "$status" != 0 ]; then
			grep -v '^fuzz: elapsed' "$log" | tail -n 40
			exit 1
		fi
	done
done
