#!/usr/bin/env bash
# Installs a released qcli: downloads the archive for this OS and CPU from
# the GitHub release, checks its SHA-256 against the release's checksums
# file (and stops, installing nothing, if they differ), and puts qcli in
# the install directory. The GitHub Action (action.yml) runs it; any CI or
# shell can too:
#
#   QCLI_VERSION=1.2.3 QCLI_INSTALL_DIR=/usr/local/bin scripts/install-qcli.sh
#
# Environment:
#   QCLI_VERSION        1.2.3, v1.2.3 or latest (default: latest)
#   QCLI_INSTALL_DIR    where qcli goes (default: $HOME/.local/bin)
#   QCLI_RELEASES_URL   the releases page (default: https://github.com/quilibrium/qcli/releases);
#                       a mirror must keep its layout: /latest, /download/vX.Y.Z/FILE
#   QCLI_OS, QCLI_ARCH  override the detected platform (linux|darwin|windows, amd64|arm64)
# On GitHub Actions it also adds the directory to GITHUB_PATH and writes
# version= and path= to GITHUB_OUTPUT.
#
# Archive names are GoReleaser's (.goreleaser.yaml): qcli_<version>_<os>_<arch>.tar.gz
# (.zip on Windows), listed in qcli_<version>_checksums.txt.
set -euo pipefail

fail() { echo "install-qcli: $*" >&2; exit 1; }

releases="${QCLI_RELEASES_URL:-https://github.com/quilibrium/qcli/releases}"
releases="${releases%/}"
version="${QCLI_VERSION:-latest}"
dir="${QCLI_INSTALL_DIR:-$HOME/.local/bin}"
curl_get=(curl --fail --silent --show-error --location --retry 3 --proto '=https,http')

if [ "$version" = latest ]; then
  # The releases page redirects /latest to /tag/vX.Y.Z: no API call, no token.
  url=$("${curl_get[@]}" --head --output /dev/null --write-out '%{url_effective}' "$releases/latest") ||
    fail "cannot find the latest release at $releases/latest"
  version="${url##*/tag/}"
  [ "$version" != "$url" ] || fail "cannot find the latest release: $releases/latest led to $url"
fi
version="${version#v}"
case "$version" in
  [0-9]*) ;;
  *) fail "QCLI_VERSION=$version is not a version: use 1.2.3, v1.2.3 or latest" ;;
esac

os="${QCLI_OS:-}"
if [ -z "$os" ]; then
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT) os=windows ;;
    *) fail "no qcli release for $(uname -s): build it with go install github.com/quilibrium/qcli/cmd/qcli@v$version" ;;
  esac
fi
arch="${QCLI_ARCH:-}"
if [ -z "$arch" ]; then
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) fail "no qcli release for $(uname -m): build it with go install github.com/quilibrium/qcli/cmd/qcli@v$version" ;;
  esac
fi

ext=tar.gz exe=qcli
if [ "$os" = windows ]; then ext=zip exe=qcli.exe; fi
archive="qcli_${version}_${os}_${arch}.${ext}"
sums="qcli_${version}_checksums.txt"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$sums" "$archive"; do
  "${curl_get[@]}" --output "$tmp/$f" "$releases/download/v$version/$f" ||
    fail "cannot download $releases/download/v$version/$f"
done

want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/$sums")
[ -n "$want" ] || fail "$archive is not listed in $sums"
if command -v sha256sum >/dev/null; then
  got=$(sha256sum "$tmp/$archive" | awk '{ print $1 }')
elif command -v shasum >/dev/null; then
  got=$(shasum -a 256 "$tmp/$archive" | awk '{ print $1 }')
else
  fail "neither sha256sum nor shasum is installed: cannot verify $archive"
fi
[ "$got" = "$want" ] || fail "checksum mismatch for $archive: got sha256 $got, $sums says $want; not installing"

mkdir -p "$tmp/x"
if [ "$ext" = zip ]; then
  unzip -q "$tmp/$archive" "$exe" -d "$tmp/x"
else
  tar -xzf "$tmp/$archive" -C "$tmp/x" "$exe"
fi
mkdir -p "$dir"
install -m 0755 "$tmp/x/$exe" "$dir/$exe"
echo "installed qcli $version ($os/$arch) in $dir" >&2

if [ -n "${GITHUB_PATH:-}" ]; then echo "$dir" >>"$GITHUB_PATH"; fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "version=$version"; echo "path=$dir/$exe"; } >>"$GITHUB_OUTPUT"
fi
