#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so tests
# use a real Secret Service without touching the user's own keychain.
# Usage: scripts/with-keyring.sh <command> [args...]
set -euo pipefail
if [[ "$(uname)" != "Linux" || -n "${KILN_KEYRING_READY:-}" ]]; then
  exec "$@"
fi
for tool in dbus-run-session dbus-send gnome-keyring-daemon setsid; do
  if ! command -v "$tool" >/dev/null; then
    echo "with-keyring: $tool is missing; run scripts/setup-debian.sh (or: apt-get install dbus gnome-keyring util-linux)" >&2
    exit 1
  fi
done
data_home="$(mktemp -d)"
# The daemon's control socket goes under XDG_RUNTIME_DIR (else ~/.cache/keyring-*, shared by
# every session on the machine): a private one keeps two test runs from disturbing each other.
runtime_dir="$(mktemp -d)"
chmod 700 "$runtime_dir"
trap 'rm -rf "$data_home" "$runtime_dir"' EXIT
export XDG_DATA_HOME="$data_home" XDG_RUNTIME_DIR="$runtime_dir" KILN_KEYRING_READY=1

# If the daemon ever stops mid-run, D-Bus starts a new one on the next keychain call. The
# system's activation file starts it locked, and unlocking needs a prompt no headless machine
# can show, so every later keychain test would fail. This session's own activation file
# (XDG_DATA_HOME's service folder comes first) starts it unlocked on the same keyring file,
# so stored entries survive, and says so on stderr.
services="$data_home/dbus-1/services"
mkdir -p "$services"
restart="$data_home/restart-keyring.sh"
# What the daemon said before it stopped is printed with the restart, so a crash shows its cause
# (gnome-keyring's known assertion: GNOME gitlab, gnome-keyring work items 190, 196, 199).
daemon_log="$data_home/keyring-daemon.log"
cat >"$restart" <<SCRIPT
#!/bin/sh
echo "with-keyring: \$(date +%T.%3N) the Secret Service had stopped; D-Bus started it again, unlocked. The stopped daemon's last words:" >&2
tail -n 20 "$daemon_log" | sed 's/^/with-keyring:   /' >&2
printf pw | exec setsid gnome-keyring-daemon --foreground --unlock --replace --components=secrets >>"$daemon_log" 2>&1
SCRIPT
chmod 700 "$restart"
printf '[D-BUS Service]\nName=org.freedesktop.secrets\nExec="%s"\n' "$restart" >"$services/org.freedesktop.secrets.service"

# The first daemon runs in the foreground under a shell that notes how it ended (a signal shows
# as 128+N). setsid: the daemon gets its own session and process group, so no signal meant for
# the tests' group (a test stopping its children) can reach it. The tests start once the daemon
# owns its D-Bus name (earlier, a keychain call would start a second one).
session="$data_home/session.sh"
cat >"$session" <<'SCRIPT'
#!/bin/bash
log="$1"
shift
( printf pw | setsid gnome-keyring-daemon --foreground --unlock --components=secrets >>"$log" 2>&1
  echo "gnome-keyring-daemon ended with status $? at $(date +%T.%3N)" 2>/dev/null >>"$log" ) &
for _ in $(seq 200); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' && break
  sleep 0.05
done
exec "$@"
SCRIPT
dbus-run-session -- bash "$session" "$daemon_log" "$@"
