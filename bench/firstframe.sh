#!/bin/sh
# Measures the time from starting godoctor on a terminal to its first
# frame (goal: under 50 ms, before any check finishes).
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/godoctor" .
go run ./bench/firstframe -godoctor "$tmp/godoctor" "$@"
