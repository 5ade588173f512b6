#!/usr/bin/env bash
# 1,000 single-object S3-to-S3 copies against `qcli server --memory`:
# as 1,000 qcli processes (one after another, as a script's loop runs them,
# and 16 at a time with xargs -P), and as one `qcli run` batch (one line at
# a time, and --concurrency 16). Prints the wall time of each and the
# ratios, and checks every copy landed.
# Usage: bench/run-batch.sh   (N=1000 copies, P=16 at a time; QCLI=path
# measures that binary, default: built from this tree)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-1000}
p=${P:-16}
. bench/lib.sh
build_qcli
start_qcli_server bench-access-key bench-secret-key

export QCLI_CONFIG_DIR="$WORK/config" QCLI_ENDPOINT_URL="$SERVER_URL"
export QCLI_ACCESS_KEY_ID=bench-access-key QCLI_SECRET_ACCESS_KEY=bench-secret-key
"$QCLI" s3 mb s3://bench >/dev/null
head -c 4096 /dev/urandom >"$WORK/object"
"$QCLI" s3 cp "$WORK/object" s3://bench/source >/dev/null

# wall_ms CMD...: wall milliseconds of one run of CMD.
wall_ms() {
  local t0 t1
  t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}

# copies PREFIX: the number of objects under s3://bench/PREFIX/.
copies() { "$QCLI" s3 ls "s3://bench/$1/" | wc -l; }

sequential() { for i in $(seq 1 "$n"); do "$QCLI" s3 cp s3://bench/source "s3://bench/seq/$i"; done; }
parallel() { seq 1 "$n" | xargs -P "$p" -I{} "$QCLI" s3 cp s3://bench/source "s3://bench/par/{}"; }
for prefix in run1 runp; do
  for i in $(seq 1 "$n"); do echo "cp s3://bench/source s3://bench/$prefix/$i"; done >"$WORK/$prefix.batch"
done

echo "$n copies of one 4 KiB object, S3 to S3, against qcli server --memory on loopback ($(nproc) cores)"
seq_ms=$(wall_ms sequential)
par_ms=$(wall_ms parallel)
run1_ms=$(wall_ms "$QCLI" run --concurrency 1 "$WORK/run1.batch")
runp_ms=$(wall_ms "$QCLI" run --concurrency "$p" "$WORK/runp.batch")
for prefix in seq par run1 runp; do
  got=$(copies $prefix)
  [ "$got" -eq "$n" ] || { echo "s3://bench/$prefix/ holds $got copies, want $n" >&2; exit 1; }
done

awk -v n="$n" -v p="$p" -v s="$seq_ms" -v x="$par_ms" -v r1="$run1_ms" -v rp="$runp_ms" 'BEGIN {
  printf "%-40s %8.2f s\n", n " processes, one after another", s / 1000
  printf "%-40s %8.2f s\n", n " processes, " p " at a time (xargs -P)", x / 1000
  printf "%-40s %8.2f s  (%.1fx faster than the loop)\n", "qcli run --concurrency 1", r1 / 1000, s / r1
  printf "%-40s %8.2f s  (%.1fx faster than the loop, %.1fx than xargs -P)\n", "qcli run --concurrency " p, rp / 1000, s / rp, x / rp
}'
