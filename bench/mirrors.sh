#!/bin/sh
# Benchmarks godoctor's mirror benchmark against known truth on loopback:
# measured against injected latency, and all mirrors at once against the
# slowest alone. Goals: medians within 10%; together at most 1.3x.
set -eu
cd "$(dirname "$0")/.."
go run ./bench/mirrorbench "$@"
