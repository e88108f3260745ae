#!/bin/sh
# Times `godoctor install` against the go command's own toolchain download
# from the same loopback mirror, in one run, and prints the ratio and peak
# memory. Goals: at most 0.5x the go command's time, at most 64 MiB.
# The first run warms the module cache with the real toolchain zip (about
# 67 MB through GOPROXY); later runs are offline.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/godoctor" .
go run ./bench/installbench -godoctor "$tmp/godoctor" "$@"
