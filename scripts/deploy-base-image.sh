#!/usr/bin/env bash
# Builds the Debian + FastAPI root filesystem the deploy tests import as their base image.
# No image registry is reachable from CI, so the tests can't pull python:3.11-slim; they import
# this tarball into their private dockerd instead. Built once and cached outside the repo.
# Usage: scripts/deploy-base-image.sh   (prints the tarball path; set KILN_CACHE to move the cache)
set -euo pipefail

cache="${KILN_CACHE:-/var/cache/kiln-test}"
out="$cache/debian-fastapi-rootfs.tar"
mirror="${KILN_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if [[ -s "$out" ]]; then
  echo "$out"
  exit 0
fi
if [[ $EUID -ne 0 ]]; then
  echo "deploy-base-image: debootstrap needs root; run as root (or sudo) once to fill $out" >&2
  exit 1
fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/rootfs.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

start=$(date +%s)
debootstrap --variant=minbase --include=python3,python3-fastapi,python3-uvicorn \
  bookworm "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  echo "deploy-base-image: debootstrap failed; last lines:" >&2
  tail -n 30 "$work/debootstrap.log" >&2
  exit 1
}
# Package caches and logs only make the image bigger.
rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"* "$work/root/var/log/"*
tar -C "$work/root" -cf "$work/rootfs.tar" .
mv "$work/rootfs.tar" "$out"
echo "deploy-base-image: built $out in $(( $(date +%s) - start ))s" >&2
echo "$out"
