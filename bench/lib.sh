# shellcheck shell=bash disable=SC2034 # what it sets is for the scripts that source it
# What the bench scripts share: sourced (`. bench/lib.sh`) by each of them
# from the repository's root, right after `set -euo pipefail` and the cd.
# It makes WORK, a scratch directory, and on EXIT stops every server it
# started and removes WORK (it owns the EXIT trap: a script sets none).
#
#   have CMD               CMD is installed
#   die MESSAGE            "$BENCH_NAME: MESSAGE" on stderr, exit $BENCH_EXIT
#   build_qcli             builds qcli from this tree into WORK, unless QCLI
#                          names a binary; sets QCLI either way
#   free_port              a loopback port nothing listens on (nor handed out before)
#   minio_bin              the MinIO binary: MINIO_BIN, else `minio` on PATH, else
#                          built once with `go install github.com/minio/minio@latest`
#                          into $BENCH_CACHE/bin (default ~/.cache/qcli-bench; slow)
#   minio_version          MinIO's release tag, e.g. RELEASE.2025-09-07T16-13-09Z
#   start_minio AK SK [tls]     MinIO on loopback, one drive in WORK, region
#                          $REGION (q-world-1); with `tls`, over HTTPS with a
#                          throwaway self-signed certificate, CA_FILE (needs openssl)
#   start_qcli_server AK SK [FLAG...]   `qcli server --memory` on loopback
#   stop_servers           stops every server started so far (and clears CA_FILE)
#
# start_* set SERVER_URL (http(s)://127.0.0.1:PORT), SERVER_PID and SERVER_LOG,
# and return once the server answers (asked with curl, which they need); a
# server that exits or does not answer within 30 s ends the script with its
# log's last lines and where it was kept.
# Before sourcing, a script may set BENCH_NAME (its messages' prefix; default
# its file name without .sh) and BENCH_EXIT (die's exit status; default 1).

BENCH_NAME=${BENCH_NAME:-$(basename "$0" .sh)}
BENCH_EXIT=${BENCH_EXIT:-1}
BENCH_CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/qcli-bench}
BENCH_PIDS=()
WORK=$(mktemp -d)
CA_FILE=
SERVER_URL='' SERVER_PID='' SERVER_LOG=''
trap 'stop_servers; rm -rf "$WORK"' EXIT

have() { command -v "$1" >/dev/null 2>&1; }
die() { echo "$BENCH_NAME: $*" >&2; exit "$BENCH_EXIT"; }

build_qcli() {
  if [ -z "${QCLI:-}" ]; then
    echo "building qcli..." >&2
    go build -o "$WORK/qcli" ./cmd/qcli
    QCLI="$WORK/qcli"
  fi
}

# free_port: a random port in 20000-39999 that refuses a connection on
# 127.0.0.1 and was not handed out before (a server given the port may not
# listen yet, e.g. MinIO's console beside its S3 port).
free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 20000))
    grep -qx "$port" "$WORK/ports" 2>/dev/null && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    echo "$port" >>"$WORK/ports"
    echo "$port"
    return 0
  done
  die "no free loopback port found in 20000-39999"
}

minio_bin() {
  if [ -n "${MINIO_BIN:-}" ]; then echo "$MINIO_BIN"; return; fi
  if have minio; then command -v minio; return; fi
  if [ ! -x "$BENCH_CACHE/bin/minio" ]; then
    echo "building MinIO into $BENCH_CACHE/bin (go install github.com/minio/minio@latest; this takes a while, once)..." >&2
    GOBIN="$BENCH_CACHE/bin" go install github.com/minio/minio@latest >&2
  fi
  echo "$BENCH_CACHE/bin/minio"
}

minio_version() { "$(minio_bin)" --version 2>/dev/null | head -1 | awk '{print $3}'; }

start_minio() {
  local ak=$1 sk=$2 tls=${3:-} bin port scheme=http
  bin=$(minio_bin)
  port=$(free_port)
  rm -rf "$WORK/minio-data" "$WORK/certs"
  mkdir -p "$WORK/certs" # always given, so that MinIO never picks up ~/.minio/certs
  CA_FILE=
  if [ -n "$tls" ]; then
    scheme=https
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
      -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/certs/private.key" -out "$WORK/certs/public.crt" 2>/dev/null
    CA_FILE="$WORK/certs/public.crt"
  fi
  SERVER_URL="$scheme://127.0.0.1:$port" SERVER_LOG="$WORK/minio.log"
  MINIO_ROOT_USER=$ak MINIO_ROOT_PASSWORD=$sk MINIO_SITE_REGION=${REGION:-q-world-1} MINIO_BROWSER=off \
    "$bin" server "$WORK/minio-data" --address "127.0.0.1:$port" --certs-dir "$WORK/certs" \
    --console-address "127.0.0.1:$(free_port)" >"$SERVER_LOG" 2>&1 &
  started MinIO "$SERVER_URL/minio/health/live"
}

start_qcli_server() {
  local ak=$1 sk=$2
  shift 2
  SERVER_URL="http://127.0.0.1:$(free_port)" SERVER_LOG="$WORK/qcli-server.log"
  "$QCLI" server --memory --addr "${SERVER_URL#http://}" --region "${REGION:-q-world-1}" \
    --access-key "$ak" --secret-key "$sk" "$@" >"$SERVER_LOG" 2>&1 &
  started "qcli server" "$SERVER_URL/"
}

# started NAME URL: records the server just put in the background ($!) and
# waits until URL answers at all (any status).
started() {
  SERVER_PID=$!
  BENCH_PIDS+=("$SERVER_PID")
  local name=$1 url=$2 why deadline=$((SECONDS + 30))
  have curl || die "curl is needed to see that $name answers: install it (apt-get install curl)"
  while [ "$SECONDS" -lt "$deadline" ]; do
    curl -sk --max-time 2 -o /dev/null "$url" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1 # waiting for a server to listen; not a measurement
  done
  why="did not answer at $url within 30 s"
  kill -0 "$SERVER_PID" 2>/dev/null || why="exited before answering at $url"
  [ -s "$SERVER_LOG" ] || die "$name $why, and wrote nothing to its log"
  local kept
  kept=$(mktemp "${TMPDIR:-/tmp}/qcli-bench-XXXXXX.log") && cp "$SERVER_LOG" "$kept"
  tail -20 "$SERVER_LOG" >&2
  die "$name $why; its log (last lines above) is kept in $kept"
}

stop_servers() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${BENCH_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  BENCH_PIDS=()
  CA_FILE=
}
