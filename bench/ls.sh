#!/usr/bin/env bash
# Wall time of `qcli s3 ls s3://bucket` on a small bucket, process start
# included, next to `aws s3 ls` (when installed) against the same local
# emulator. Usage: bench/ls.sh [runs]   (default 20); QCLI=path measures
# that binary (default: built from this tree).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
. bench/lib.sh
build_qcli
start_qcli_server local-access-key local-secret-key

export QCLI_CONFIG_DIR="$WORK/config" AWS_ENDPOINT_URL="$SERVER_URL"
export AWS_ACCESS_KEY_ID=local-access-key AWS_SECRET_ACCESS_KEY=local-secret-key AWS_DEFAULT_REGION=q-world-1
"$QCLI" s3 mb s3://bench >/dev/null
mkdir -p "$WORK/files"
for i in $(seq 1 20); do echo "$i" >"$WORK/files/file-$i.txt"; done
# Fill the bucket with whichever client can upload.
"$QCLI" s3 cp --recursive "$WORK/files" s3://bench/ >/dev/null 2>&1 ||
  aws s3 cp --recursive "$WORK/files" s3://bench/ >/dev/null

# time_ms CMD...: median wall milliseconds over $runs runs.
time_ms() {
  local samples=()
  for _ in $(seq 1 "$runs"); do
    local t0 t1
    t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
    samples+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

echo "objects in s3://bench: $("$QCLI" s3 ls s3://bench | wc -l)"
q=$(time_ms "$QCLI" s3 ls s3://bench)
echo "qcli s3 ls: median ${q} ms over $runs runs (target < 50 ms)"
if command -v aws >/dev/null; then
  a=$(time_ms aws s3 ls s3://bench)
  echo "aws  s3 ls: median ${a} ms over $runs runs"
  awk -v a="$a" -v q="$q" 'BEGIN { if (q > 0) printf "ratio: qcli is %.1fx faster\n", a / q }'
fi
