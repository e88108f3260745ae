#!/bin/sh
# Runs the TUI in tmux at 80x24 and saves what the screen shows after each
# key into OUT (default tui-tour/), one file per step, so that a person can
# read the interface without running it. Needs tmux.
set -eu
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tui-tour: tmux is not installed"; exit 1; }
out=${OUT:-tui-tour}
mkdir -p "$out"
bin=$(mktemp -d)/godoctor
go build -o "$bin" .
session=godoctor-tour-$$
tmux new-session -d -s "$session" -x 80 -y 24 "$bin; sleep 2"
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
shot() { sleep "${2:-1}"; tmux capture-pane -t "$session" -p > "$out/$1.txt"; echo "$out/$1.txt"; }
shot 01-start 3
for step in "02-down:j" "03-details:Enter" "04-details-again:Enter" "05-help:?" "06-help-off:?" "07-rerun:r"; do
	name=${step%%:*}
	tmux send-keys -t "$session" "${step#*:}"
	shot "$name"
done
tmux send-keys -t "$session" m
shot 08-mirrors 8
tmux send-keys -t "$session" Escape
tmux send-keys -t "$session" i
shot 09-install 4
tmux send-keys -t "$session" Escape
tmux send-keys -t "$session" q
shot 10-after-quit 1
