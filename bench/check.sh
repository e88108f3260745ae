#!/bin/sh
# Times `godoctor check --offline --json` against `go env -json`, the one
# go command it runs, in one run, and prints the ratio. Goal: at most 2x.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/godoctor" .
go run ./bench/cmdtime -runs "${RUNS:-40}" -goal "${GOAL:-0}" \
	-base "go env -json" \
	-cand "$tmp/godoctor check --offline --json"
