#!/usr/bin/env bash
# Keys listed per second by `qcli s3 ls --recursive`: sequential
# (--list-concurrency 1, one ListObjectsV2 of 1,000 keys after the other,
# as qcli listed before) against the parallel listing, on one
# bucket of KEYS keys, against `qcli server --memory` and MinIO, both on
# loopback. Process start is included (about 20 ms).
#
#   bench/list.sh                    # 200,000 keys, 3 runs of each
#   KEYS=20000 RUNS=1 bench/list.sh  # a quick look
#   TARGETS=minio CONCS="1 8 32" bench/list.sh
#
# The keys are DIRS top-level "directories" of SUBS sub-directories each
# (d000/s00/f00000); FLAT=1 adds as many keys again at the top level, with
# no "/", which no listing can split. QCLI=path measures that binary
# (default: built from this tree). MinIO: MINIO_BIN (MINIO, its older name,
# works too), else `minio` on PATH, else built once as bench/lib.sh says.
# Needs: go (unless QCLI and MinIO are given), curl, /usr/bin/time.
# Timings are printed, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."

KEYS=${KEYS:-200000}
DIRS=${DIRS:-100}
SUBS=${SUBS:-10}
RUNS=${RUNS:-3}
CONCS=${CONCS:-"1 4 8 16"}
TARGETS=${TARGETS:-"emulator minio"}
MINIO_BIN=${MINIO_BIN:-${MINIO:-}}
AK=BENCHACCESSKEY000001
SK=bench-secret-key-000000000000000000000001

. bench/lib.sh
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed: apt-get install time"
build_qcli
export QCLI_CONFIG_DIR="$WORK/qcli-config" QCLI_ACCESS_KEY_ID="$AK" QCLI_SECRET_ACCESS_KEY="$SK"

# The tree every target is filled with: KEYS empty files.
per=$((KEYS / DIRS / SUBS))
echo "making $KEYS files ($DIRS x $SUBS directories of $per)..." >&2
for d in $(seq -f %03g 0 $((DIRS - 1))); do
  for s in $(seq -f %02g 0 $((SUBS - 1))); do
    mkdir -p "$WORK/tree/d$d/s$s"
    (cd "$WORK/tree/d$d/s$s" && for f in $(seq -f %05g 0 $((per - 1))); do : >"f$f"; done)
  done
done
if [ "${FLAT:-}" = 1 ]; then
  (cd "$WORK/tree" && for f in $(seq -f %07g 0 $((KEYS - 1))); do : >"flat$f"; done)
fi
total=$(find "$WORK/tree" -type f | wc -l)

# measure CMD...: "wall_ms cpu_ms" of one run (CPU: the client's user +
# system time), output discarded.
measure() {
  /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$@" >/dev/null
  awk '{printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000}' "$WORK/time"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

bench() { # TARGET ENDPOINT
  export QCLI_ENDPOINT_URL="$2"
  "$QCLI" s3 mb s3://bench >/dev/null
  local t0 t1
  echo "$1: uploading $total keys..." >&2
  t0=$(date +%s)
  "$QCLI" s3 cp --recursive "$WORK/tree" s3://bench/ --concurrency 64 --only-show-errors --no-progress
  t1=$(date +%s)
  echo "$1: filled in $((t1 - t0)) s" >&2
  for c in $CONCS; do
    local n
    n=$("$QCLI" s3 ls --recursive s3://bench --list-concurrency "$c" | wc -l)
    [ "$n" = "$total" ] || { echo "$1: --list-concurrency $c listed $n keys, want $total" >&2; exit 1; }
  done
  # Rounds alternate the settings, so that load from elsewhere on the
  # machine spreads over all of them.
  local samples="$WORK/samples-$1"
  : >"$samples"
  for _ in $(seq "$RUNS"); do
    for c in $CONCS; do
      local sample
      sample=$(measure "$QCLI" s3 ls --recursive s3://bench --list-concurrency "$c") # a failed run stops the script (set -e)
      echo "$c $sample" >>"$samples"
    done
  done
  local base=
  for c in $CONCS; do
    local m cpu
    m=$(awk -v c="$c" '$1 == c {print $2}' "$samples" | median)
    cpu=$(awk -v c="$c" '$1 == c {print $3}' "$samples" | median)
    [ -n "$base" ] || base=$m
    awk -v t="$1" -v c="$c" -v m="$m" -v cpu="$cpu" -v n="$total" -v b="$base" -v all="$(awk -v c="$c" '$1 == c {printf "%s%s", sep, $2; sep=","}' "$samples")" \
      'BEGIN { printf "| %s | %d | %d | %.2f s (%s ms) | %.0f keys/s | %.2fx | %.2f s |\n", t, n, c, m / 1000, all, n * 1000 / m, b / m, cpu / 1000 }'
  done
}

echo "| server | keys | --list-concurrency | median wall (all runs) | keys/s | vs sequential | client CPU |"
echo "|---|---|---|---|---|---|---|"
for target in $TARGETS; do
  case $target in
  emulator) start_qcli_server "$AK" "$SK" ;;
  minio) start_minio "$AK" "$SK" ;;
  *) die "unknown target $target (emulator, minio)" ;;
  esac
  bench "$target" "$SERVER_URL"
  stop_servers
done
