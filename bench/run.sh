#!/usr/bin/env bash
# Benchmarks qcli against the AWS CLI (and rclone, curl) on one
# `qcli server --memory` on loopback: the same server for every client, in
# one run, reported as ratios. Wall time, client CPU time (user+sys) and
# peak RSS come from /usr/bin/time -v.
#
#   bench/run.sh                 # 1,000 x 16 KiB files and a 1 GiB file
#   SMALL_FILES=200 BIG_MIB=256 bench/run.sh
#
# Needs: go, curl, /usr/bin/time; aws (AWS CLI) and rclone are used when
# installed. Timings are printed, never asserted: this is not a test.
set -euo pipefail
cd "$(dirname "$0")/.."

SMALL_FILES=${SMALL_FILES:-1000}
SMALL_KIB=${SMALL_KIB:-16}
BIG_MIB=${BIG_MIB:-1024}
PORT=${PORT:-19123}
AK=BENCHACCESSKEY000001
SK=bench-secret-key-000000000000000000000001

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "building qcli..." >&2
go build -o "$WORK/qcli" ./cmd/qcli
QCLI="$WORK/qcli"
ENDPOINT="http://127.0.0.1:$PORT"

"$QCLI" server --memory --addr "127.0.0.1:$PORT" --access-key "$AK" --secret-key "$SK" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "$ENDPOINT/" && break
  sleep 0.1 # waiting for a server to listen; not a measurement
done

export QCLI_CONFIG_DIR="$WORK/qcli-config" QCLI_ENDPOINT_URL="$ENDPOINT"
export QCLI_ACCESS_KEY_ID="$AK" QCLI_SECRET_ACCESS_KEY="$SK"
export AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" AWS_DEFAULT_REGION=q-world-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
export RCLONE_CONFIG_Q_TYPE=s3 RCLONE_CONFIG_Q_PROVIDER=Other RCLONE_CONFIG_Q_ENDPOINT="$ENDPOINT"
export RCLONE_CONFIG_Q_ACCESS_KEY_ID="$AK" RCLONE_CONFIG_Q_SECRET_ACCESS_KEY="$SK" RCLONE_CONFIG_Q_REGION=q-world-1
export RCLONE_CONFIG="$WORK/rclone.conf"
: >"$RCLONE_CONFIG"

"$QCLI" s3 mb s3://bench >/dev/null

echo "making $SMALL_FILES files of $SMALL_KIB KiB and one of $BIG_MIB MiB..." >&2
mkdir -p "$WORK/small"
head -c $((SMALL_FILES * SMALL_KIB * 1024)) /dev/urandom | split -a 4 -d -b $((SMALL_KIB * 1024)) - "$WORK/small/f"
head -c $((BIG_MIB * 1024 * 1024)) /dev/urandom >"$WORK/big.bin"

RESULTS="$WORK/results"
: >"$RESULTS"

# measure CASE TOOL CMD...: runs CMD once, records wall, CPU and peak RSS.
measure() {
  local case=$1 tool=$2
  shift 2
  sync
  if ! /usr/bin/time -v -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt"; then
    echo "$case/$tool failed:" >&2
    cat "$WORK/err.txt" >&2
    return 0
  fi
  awk -v c="$case" -v t="$tool" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { r = $2 }
    END { printf "%s %s %.2f %.2f %.0f\n", c, t, w, u + s, r / 1024 }' "$WORK/time.txt" >>"$RESULTS"
}

have() { command -v "$1" >/dev/null 2>&1; }
AWS="aws --endpoint-url $ENDPOINT --only-show-errors"

# Many small files, up and down.
measure small-up qcli "$QCLI" s3 cp --recursive --progress none --only-show-errors "$WORK/small" s3://bench/q-small/
have aws && measure small-up aws $AWS s3 cp --recursive "$WORK/small" s3://bench/a-small/
have rclone && measure small-up rclone rclone copy "$WORK/small" q:bench/r-small
measure small-down qcli "$QCLI" s3 cp --recursive --progress none --only-show-errors s3://bench/q-small/ "$WORK/q-small"
have aws && measure small-down aws $AWS s3 cp --recursive s3://bench/q-small/ "$WORK/a-small"
have rclone && measure small-down rclone rclone copy q:bench/q-small "$WORK/r-small"

# One big file, up and down, against one plain request to a presigned URL.
measure big-up qcli "$QCLI" s3 cp --progress none "$WORK/big.bin" s3://bench/big.bin
measure big-up curl curl -sf -T "$WORK/big.bin" "$("$QCLI" s3 presign --method PUT s3://bench/big-curl.bin)"
have aws && measure big-up aws $AWS s3 cp "$WORK/big.bin" s3://bench/big-aws.bin
measure big-down qcli "$QCLI" s3 cp --progress none s3://bench/big.bin "$WORK/big.out"
measure big-down curl curl -sf -o "$WORK/big.curl" "$("$QCLI" s3 presign s3://bench/big.bin)"
have aws && measure big-down aws $AWS s3 cp s3://bench/big.bin "$WORK/big.aws"

# From stdin: memory is bounded by concurrency x part size.
measure stdin-up qcli sh -c "cat '$WORK/big.bin' | '$QCLI' s3 cp --progress none - s3://bench/stdin.bin"

cmp -s "$WORK/big.bin" "$WORK/big.out" || echo "WARNING: qcli's download differs" >&2

echo
printf '%-11s %-7s %9s %9s %9s %10s\n' case tool "wall s" "cpu s" "rss MiB" "vs qcli"
awk '
  { key = $1; if ($2 == "qcli") q[key] = $3; row[NR] = $0 }
  END {
    for (i = 1; i <= NR; i++) {
      split(row[i], f, " ")
      ratio = (f[2] != "qcli" && q[f[1]] > 0) ? sprintf("%.2fx", f[3] / q[f[1]]) : "-"
      printf "%-11s %-7s %9.2f %9.2f %9d %10s\n", f[1], f[2], f[3], f[4], f[5], ratio
    }
  }' "$RESULTS"
echo
echo "vs qcli: the tool's wall time divided by qcli's (above 1: qcli is faster)."
echo "cpu s is the client's user+sys time; big files are $BIG_MIB MiB, so cpu s / $BIG_MIB * 1024 is CPU per GiB."
