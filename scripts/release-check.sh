#!/bin/sh
# Checks the release configuration: goreleaser check, a snapshot build of
# every target, and the stamped version in the snapshot binary for this
# machine (an ldflags path that does not exist would leave "(devel)").
# Installs goreleaser v2.15.1 with go install when it is missing.
set -eu
cd "$(dirname "$0")/.."
gobin=$(go env GOPATH)/bin
if ! command -v goreleaser >/dev/null 2>&1 && [ ! -x "$gobin/goreleaser" ]; then
	GOFLAGS= go install github.com/goreleaser/goreleaser/v2@v2.15.1
fi
goreleaser=$(command -v goreleaser 2>/dev/null || echo "$gobin/goreleaser")
"$goreleaser" check
"$goreleaser" build --snapshot --clean
bin=$(find dist -path "*$(go env GOOS)_$(go env GOARCH)*" -name godoctor -type f | head -n 1)
got=$("$bin" version)
case "$got" in
*snapshot*) echo "release-check: $bin says: $got" ;;
*) echo "release-check: the version was not stamped: $bin says: $got"; exit 1 ;;
esac
