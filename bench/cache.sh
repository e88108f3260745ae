#!/bin/sh
# Times `godoctor cache --offline` against `go mod verify` on the same
# module versions, in one run, and prints the ratio and both peak memories.
# Goal: at most 1x, and under 100 MiB.
#
# The module cache is a fresh one holding exactly the build list of one
# module with a few hundred dependencies (MODULE, default below), which
# is downloaded once through this machine's GOPROXY: this script needs the
# network, and is not part of the tests.
set -eu
cd "$(dirname "$0")/.."
module=${MODULE:-github.com/google/ko@v0.18.1}
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
go build -o "$tmp/godoctor" .
go build -o "$tmp/cmdtime" ./bench/cmdtime

src=$(GOMODCACHE="$tmp/src" GOFLAGS=-mod=mod go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
cp -R "$src" "$tmp/work"
chmod -R u+w "$tmp/work"
cd "$tmp/work"
export GOMODCACHE="$tmp/mod" GOFLAGS=-mod=mod
go mod download
echo "$module: $(find "$GOMODCACHE/cache/download" -name '*.zip' | wc -l | tr -d ' ') zips, $(du -sh "$GOMODCACHE" | cut -f1) in the module cache; $(getconf _NPROCESSORS_ONLN) cores"
"$tmp/cmdtime" -runs "${RUNS:-5}" -goal "${GOAL:-0}" \
	-base "go mod verify" \
	-cand "$tmp/godoctor cache --offline"
