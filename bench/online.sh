#!/bin/sh
# Times the online `godoctor check` in a module with a few hundred
# requirements whose build list is in the module cache (a warm cache: the
# project's route probes have nothing to download), and prints its time and
# peak memory against the goals: under 3 s, under 100 MiB. cache.integrity
# hashes the build list's cached code in the first run and keeps stamps of
# what verified (modcache.Stamps); the runs after it are the ones measured
# (a warm-up run comes first).
#
# The module (MODULE, default below) comes through this machine's GOPROXY:
# this script needs the network, and is not part of the tests.
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
echo "$module: $(go list -m all | wc -l | tr -d ' ') modules in the build list, $(grep -c . go.mod) lines of go.mod; $(getconf _NPROCESSORS_ONLN) cores"
echo "warm cache, after one warm-up run:"
"$tmp/godoctor" check --json --timeout 10s >/dev/null || true
"$tmp/cmdtime" -runs "${RUNS:-5}" -base "go list -m all" -cand "$tmp/godoctor check --json --timeout 10s"
