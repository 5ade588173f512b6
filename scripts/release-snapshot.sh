#!/usr/bin/env bash
# Builds a complete local release into dist/ with GoReleaser, publishing
# nothing: binaries for linux/darwin/windows on amd64 and arm64, their
# archives, the checksums file, deb and rpm packages, the Homebrew formula,
# the Scoop manifest and, when a Docker engine is running, the images.
#
#   scripts/release-snapshot.sh [extra goreleaser flags]
#
# Installs GoReleaser (GORELEASER_VERSION) with `go install` if it is not
# on PATH or in $(go env GOPATH)/bin.
set -euo pipefail
cd "$(dirname "$0")/.."

GORELEASER_VERSION="${GORELEASER_VERSION:-v2.15.1}"

goreleaser=$(command -v goreleaser || true)
if [ -z "$goreleaser" ]; then
  goreleaser="$(go env GOPATH)/bin/goreleaser"
  if [ ! -x "$goreleaser" ]; then
    echo "installing goreleaser $GORELEASER_VERSION" >&2
    go install "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION"
  fi
fi

# GoReleaser reads the commit (for qcli version and the file dates) only
# from a clone with a remote: without one a snapshot ignores the error and
# builds "commit none". Lend it the project's URL for this run through git's
# environment, leaving the repository's configuration alone.
if [ -z "$(git remote)" ]; then
  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url GIT_CONFIG_VALUE_0=https://github.com/quilibrium/qcli.git
fi

args=(release --snapshot --clean)
# The images need a running Docker engine (with buildx); without one the
# rest of the release is still built, and this says so.
if ! docker info >/dev/null 2>&1; then
  echo "no Docker engine: skipping the container images (--skip=docker)" >&2
  args+=(--skip=docker)
fi

"$goreleaser" "${args[@]}" "$@"
echo "release snapshot in dist/:" >&2
ls dist/ >&2
