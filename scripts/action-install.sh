#!/usr/bin/env bash
# Installs a mati release for the GitHub Action (action.yml), or by hand:
#   MATI_VERSION=v1.2.3 scripts/action-install.sh
# It downloads mati_<version>_<os>_<arch>.tar.gz and checksums.txt from the
# release, checks the archive's SHA-256 and puts mati in $MATI_INSTALL_DIR
# (default $RUNNER_TEMP/mati), which it adds to $GITHUB_PATH when set.
#
# MATI_RELEASE_URL replaces https://github.com/mati-dev/mati/releases (a
# mirror, or file:///path for a local test).
set -euo pipefail

version="${MATI_VERSION:-latest}"
base="${MATI_RELEASE_URL:-https://github.com/mati-dev/mati/releases}"
dest="${MATI_INSTALL_DIR:-${RUNNER_TEMP:-/tmp}/mati}"

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "mati: error: no release for $(uname -s); build it from source (make build)" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "mati: error: no release for $(uname -m); build it from source (make build)" >&2; exit 1 ;;
esac

if [ "$version" = latest ]; then
  # The latest release's page redirects to .../tag/vX.Y.Z.
  url="$(curl -fsSLI -o /dev/null -w '%{url_effective}' "$base/latest")"
  version="${url##*/}"
fi
case "$version" in
  v[0-9]*) ;;
  *) echo "mati: error: version \"$version\" is not a release tag such as v1.2.3" >&2; exit 1 ;;
esac

archive="mati_${version#v}_${os}_${arch}.tar.gz"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
curl -fsSL -o "$tmp/$archive" "$base/download/$version/$archive"
curl -fsSL -o "$tmp/checksums.txt" "$base/download/$version/checksums.txt"
want="$(awk -v f="$archive" '$2 == f { print $1 }' "$tmp/checksums.txt")"
if [ -z "$want" ]; then
  echo "mati: error: $archive is not in checksums.txt of $version" >&2
  exit 1
fi
if command -v sha256sum > /dev/null; then
  got="$(sha256sum "$tmp/$archive" | awk '{ print $1 }')"
else
  got="$(shasum -a 256 "$tmp/$archive" | awk '{ print $1 }')"
fi
if [ "$got" != "$want" ]; then
  echo "mati: error: checksum mismatch for $archive: got $got, want $want" >&2
  exit 1
fi
mkdir -p "$dest"
tar -xzf "$tmp/$archive" -C "$dest" mati
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$dest" >> "$GITHUB_PATH"
fi
"$dest/mati" version
