#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so tests
# use a real Secret Service without touching the user's own keychain.
# Usage: scripts/with-keyring.sh <command> [args...]
set -euo pipefail
if [[ "$(uname)" != "Linux" || -n "${KILN_KEYRING_READY:-}" ]]; then
  exec "$@"
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null; then
    echo "with-keyring: $tool is missing; run scripts/setup-debian.sh (or: apt-get install dbus gnome-keyring)" >&2
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
quoted="$(printf '%q ' "$@")"
dbus-run-session -- bash -c "printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec $quoted"
