#!/usr/bin/env bash
# Installs the system packages Kiln's tests need on Debian/Ubuntu (run as root or with sudo):
# Chromium for the end-to-end tests, Python with venv + FastAPI for fullstack artifacts, and a
# Secret Service (gnome-keyring on D-Bus) for the real-keychain tests, real database servers and
# their Python drivers for the datasource tests, bubblewrap for the app sandbox, and Docker Engine
# plus debootstrap for the deploy tests (they start a private dockerd and build their own base image),
# and python3-dbus + python3-gi for the stand-in file manager of the Reveal-in-folder test.
set -euo pipefail
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
packages=(chromium xvfb xauth dbus dbus-x11 gnome-keyring libsecret-1-0 python3 python3-venv python3-pip python3-fastapi python3-uvicorn
  postgresql mariadb-server python3-psycopg2 python3-pymysql bubblewrap docker.io debootstrap
  python3-dbus python3-gi)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup-debian: all system packages are already installed."
  exit 0
fi
echo "setup-debian: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
