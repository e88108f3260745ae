#!/bin/sh
# The host of the toolchain's default module proxy must not be written in
# this repository (code, tests, docs, commit messages): godoctor reads the
# default from $GOROOT/go.env at run time. This script reads it from there
# too, so that the host is not written here either.
set -eu
cd "$(dirname "$0")/.."
goenv="$(go env GOROOT)/go.env"
host=$(sed -n 's#^GOPROXY=[a-z]*://\([^,|/]*\).*#\1#p' "$goenv" | head -n 1)
if [ -z "$host" ]; then
	echo "check-default-proxy-host: $goenv names no proxy host; nothing to check"
	exit 0
fi
status=0
if git grep --untracked -I -n -i -F "$host" -- . ':!go.sum'; then
	echo "check-default-proxy-host: the files above name the toolchain's default proxy host"
	status=1
fi
if git log --format=%B | grep -i -F -q "$host"; then
	echo "check-default-proxy-host: a commit message names the toolchain's default proxy host"
	status=1
fi
exit $status
