#!/bin/sh
# Renders docs/tui.png from a real run of the TUI: godoctor --offline in
# tmux for a scratch user /home/gopher whose go env file has a GOPROXY
# without a fallback, with GOPRIVATE covering all of github.com and a
# variable from a blog post, the cursor on the GOPROXY check. Needs root
# (for /home/gopher), tmux, freeze (go install
# github.com/charmbracelet/freeze@v0.2.2), rsvg-convert (librsvg2-bin) and
# a monospace font (fonts-dejavu-core).
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; tmux kill-session -t godoctor-shot 2>/dev/null || true' EXIT
go build -o "$tmp/godoctor" .
home=/home/gopher
rm -rf "$home"
mkdir -p "$home/.config/go/telemetry"
echo "off 2026-01-01" > "$home/.config/go/telemetry/mode"
printf 'GOPROXY=https://goproxy.cn|https://goproxy.io\nGOSUMDB=sum.golang.google.cn\n' > "$home/.config/go/env"
tmux new-session -d -s godoctor-shot -x 92 -y 27 \
	"cd $home && env -i PATH=$(dirname "$(command -v go)"):/usr/bin:/bin HOME=$home TERM=xterm-256color SHELL=/bin/bash GOPRIVATE=github.com GONOSUMCHECK=1 GOTOOLCHAIN=local $tmp/godoctor --offline; sleep 30"
sleep 2
for i in 1 2 3; do tmux send-keys -t godoctor-shot j; sleep 0.3; done
sleep 0.5
# freeze reads SGR 0, not the SGR 39 that tmux writes for "default colour".
tmux capture-pane -t godoctor-shot -e -p | sed 's/\x1b\[39m/\x1b[0m/g' > "$tmp/screen.ansi"
freeze --language ansi -o "$tmp/screen.svg" "$tmp/screen.ansi" >/dev/null
sed 's/font-family="JetBrains Mono"/font-family="DejaVu Sans Mono, monospace"/' "$tmp/screen.svg" > "$tmp/mono.svg"
rsvg-convert "$tmp/mono.svg" -o docs/tui.png
rm -rf "$home"
echo docs/tui.png
