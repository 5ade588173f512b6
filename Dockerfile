# syntax=docker/dockerfile:1
#
# qcli's container image: a static qcli binary on distroless "static" (CA
# certificates and tzdata, no shell, no package manager), run as the
# image's non-root user.
#
#   docker build -t qcli .
#   docker build -t qcli --build-arg VERSION=1.2.3 --build-arg COMMIT="$(git rev-parse HEAD)" \
#     --build-arg DATE="$(git log -1 --format=%cI)" .
#   docker run --rm -e QCLI_ACCESS_KEY_ID -e QCLI_SECRET_ACCESS_KEY qcli s3 ls
#
# One Dockerfile serves both builds. By default (BINARY=source) the final
# stage takes a qcli compiled here from the source tree. GoReleaser's
# dockers_v2 (.goreleaser.yaml) passes BINARY=release: the final stage then
# takes the binary GoReleaser already built, which it puts in the build
# context as <os>/<arch>/qcli. BuildKit builds only the stages the final
# one needs, so each build skips the other's.

ARG BINARY=source

FROM --platform=$BUILDPLATFORM golang:1.26 AS source
ARG TARGETOS TARGETARCH VERSION COMMIT DATE
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# Static (CGO off), cross-compiled for the target platform; the version
# comes from the build args, as a release build's comes from GoReleaser
# (internal/buildinfo; empty args fall back to 0.1.0-dev).
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -buildvcs=false \
      -ldflags "-s -w \
        -X github.com/quilibrium/qcli/internal/buildinfo.version=${VERSION} \
        -X github.com/quilibrium/qcli/internal/buildinfo.commit=${COMMIT} \
        -X github.com/quilibrium/qcli/internal/buildinfo.date=${DATE}" \
      -o /out/qcli ./cmd/qcli

FROM scratch AS release
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/qcli /out/qcli

FROM ${BINARY} AS binary

FROM gcr.io/distroless/static-debian13:nonroot
COPY --from=binary /out/qcli /usr/bin/qcli
# uid 65532, HOME=/home/nonroot (where ~/.qcli would live).
USER nonroot:nonroot
ENTRYPOINT ["qcli"]
