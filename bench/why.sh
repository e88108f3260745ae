#!/bin/sh
# Times `godoctor why --offline` (goal: under 20 ms) against `go env -json`,
# the one go command it runs, and `godoctor explain` of a 10,000-line build
# log (goal: under 100 ms before its checks run) with the Go benchmark.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/godoctor" .
go build -o "$tmp/cmdtime" ./bench/cmdtime
mkdir "$tmp/nomodule"
(cd "$tmp/nomodule" && "$tmp/cmdtime" -runs "${RUNS:-40}" \
	-base "go env -json" \
	-cand "$tmp/godoctor why --offline golang.org/x/text@v0.14.0")
go test -run '^$' -bench BenchmarkRecogniseBuildLog -benchtime 2s ./internal/failure | grep Benchmark
