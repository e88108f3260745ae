#!/bin/sh
# Times `godoctor check --offline --json` in one run against the go command
# doing the same work, and prints the ratios:
#   - outside a module, against `go env -json`, the one go command it runs
#     (goal: at most 2x);
#   - in this repository, where cache.integrity also hashes the build list's
#     cached code, against `go mod verify`, which hashes the same
#     (goal: at most 1x).
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/godoctor" .
go build -o "$tmp/cmdtime" ./bench/cmdtime
go mod download
mkdir "$tmp/nomodule"
(cd "$tmp/nomodule" && "$tmp/cmdtime" -runs "${RUNS:-40}" -goal "${GOAL:-0}" \
	-base "go env -json" \
	-cand "$tmp/godoctor check --offline --json")
"$tmp/cmdtime" -runs "${RUNS:-40}" -goal "${GOAL_MODULE:-0}" \
	-base "go mod verify" \
	-cand "$tmp/godoctor check --offline --json"
