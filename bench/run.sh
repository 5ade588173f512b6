#!/usr/bin/env bash
# Benchmarks qcli beside curl (one plain PUT/GET of a presigned URL) and
# rclone on the same S3 server, in one run, and prints the table of issue 13:
# a large file up and down (wall time and client CPU per GiB), 1,000 small
# files up and down, and peak memory. Every tool runs once per round on the
# same server, back to back, so the ratios compare like with like even on a
# busy machine; the table shows medians of RUNS rounds, and the ratios are
# the medians of each round's ratio. Wall time, client CPU (user+sys) and
# peak RSS come from /usr/bin/time -v (getrusage of the client process).
#
#   bench/run.sh                   # MinIO and `qcli server --memory` on loopback
#   TARGETS=qcli bench/run.sh      # only qcli's emulator (no MinIO needed)
#   ENDPOINT=https://s3.example.com ACCESS_KEY=... SECRET_KEY=... [BUCKET=...] bench/run.sh
#
# Settings (environment):
#   RUNS=3             rounds; the table shows medians
#   BIG_MIB=256        size of the large file
#   SMALL_FILES=1000 SMALL_KIB=16   the tree of small files
#   TARGETS="minio qcli"  servers to start on loopback; ignored when ENDPOINT is set
#   TOOLS="qcli curl rclone"  clients, each used when installed (aws works too)
#   QCLI=path          a qcli binary to measure (default: built from this tree)
#   QCLI_FLAGS="..."   extra flags for every qcli cp (e.g. --concurrency 8)
#   QCLI_BEFORE=path   another qcli binary, measured beside QCLI as the tool
#                      "before": a change's effect in one run (qcli / before)
#   KEEP_RESULTS=file  keep the raw figures (target round case tool wall cpu rss user sys)
#   PERF_RECORD=dir    profile every qcli run with `perf record -g` into dir
#                      (perf report -i dir/TARGET-CASE-ROUND.data); adds overhead
#   COLD=1             evict the large file from the page cache before each upload
#   TLS=1              serve MinIO over HTTPS (a throwaway self-signed certificate,
#                      trusted by every client; needs openssl), as a real service is:
#                      request bodies then go UNSIGNED-PAYLOAD, not SHA-256-signed
#   CASES="..."        a subset of: big-up big-down big-down-put small-up small-down stdin-up
#   MINIO_BIN=path     MinIO server binary; else `minio` on PATH; else built
#                      with `go install github.com/minio/minio@latest` into
#                      $BENCH_CACHE/bin (default ~/.cache/qcli-bench; slow, once)
#   ENDPOINT, ACCESS_KEY, SECRET_KEY, REGION (q-world-1), BUCKET: a given
#                      service; without BUCKET a bucket is made and removed.
#
# Needs: go (unless QCLI is given), curl, /usr/bin/time (GNU time).
# Timings are printed, never asserted: this is not a test.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
BIG_MIB=${BIG_MIB:-256}
SMALL_FILES=${SMALL_FILES:-1000}
SMALL_KIB=${SMALL_KIB:-16}
TARGETS=${TARGETS:-minio qcli}
TOOLS=${TOOLS:-qcli curl rclone}
QCLI_FLAGS=${QCLI_FLAGS:-}
COLD=${COLD:-}
TLS=${TLS:-}
REGION=${REGION:-q-world-1}
[ -n "${ENDPOINT:-}" ] && TARGETS=endpoint

BENCH_NAME=bench
. bench/lib.sh
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed: apt-get install time"
have curl || die "curl is needed"
build_qcli

# Keep only the tools that are installed; qcli is always measured.
tools=qcli
[ -n "${QCLI_BEFORE:-}" ] && tools="qcli before"
for t in $TOOLS; do
  [ "$t" = qcli ] && continue
  if have "$t"; then tools="$tools $t"; else echo "bench: $t is not installed; leaving it out" >&2; fi
done

# start_target NAME: starts a server (or points at ENDPOINT) and sets
# ENDPOINT_URL, AK, SK, PROVIDER and SERVER_DESC.
start_target() {
  case $1 in
  qcli)
    AK=BENCHACCESSKEY000001 SK=bench-secret-key-000000000000000000000001 PROVIDER=Other
    start_qcli_server "$AK" "$SK"
    ENDPOINT_URL=$SERVER_URL
    SERVER_DESC="qcli server --memory ($("$QCLI" version 2>/dev/null | head -1))"
    ;;
  minio)
    AK=benchaccesskey SK=bench-secret-key-0001 PROVIDER=Minio
    start_minio "$AK" "$SK" "$TLS"
    ENDPOINT_URL=$SERVER_URL
    local scheme=${SERVER_URL%%:*}
    SERVER_DESC="MinIO $(minio_version), one drive on local disk, ${scheme^^}"
    ;;
  endpoint)
    if [ -z "${ACCESS_KEY:-}" ] || [ -z "${SECRET_KEY:-}" ]; then die "ENDPOINT needs ACCESS_KEY and SECRET_KEY"; fi
    AK=$ACCESS_KEY SK=$SECRET_KEY PROVIDER=Other ENDPOINT_URL=$ENDPOINT
    SERVER_DESC=$ENDPOINT
    ;;
  *) die "unknown target $1 (minio, qcli, or set ENDPOINT)" ;;
  esac
  export QCLI_CONFIG_DIR="$WORK/qcli-config" QCLI_ENDPOINT_URL="$ENDPOINT_URL" QCLI_REGION="$REGION"
  export QCLI_ACCESS_KEY_ID="$AK" QCLI_SECRET_ACCESS_KEY="$SK"
  export AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" AWS_DEFAULT_REGION="$REGION"
  export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
  export AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
  export RCLONE_CONFIG="$WORK/rclone.conf" RCLONE_CONFIG_Q_TYPE=s3 RCLONE_CONFIG_Q_PROVIDER="$PROVIDER"
  export RCLONE_CONFIG_Q_ENDPOINT="$ENDPOINT_URL" RCLONE_CONFIG_Q_REGION="$REGION"
  export RCLONE_CONFIG_Q_ACCESS_KEY_ID="$AK" RCLONE_CONFIG_Q_SECRET_ACCESS_KEY="$SK"
  : >"$RCLONE_CONFIG"
  mkdir -p "$QCLI_CONFIG_DIR"
  : >"$QCLI_CONFIG_DIR/config"
  unset CURL_CA_BUNDLE RCLONE_CA_CERT AWS_CA_BUNDLE
  if [ -n "${CA_FILE:-}" ]; then # the self-signed certificate of a TLS target, trusted by every client
    printf '[default]\nca_bundle = %s\n' "$CA_FILE" >"$QCLI_CONFIG_DIR/config"
    export CURL_CA_BUNDLE="$CA_FILE" RCLONE_CA_CERT="$CA_FILE" AWS_CA_BUNDLE="$CA_FILE"
  fi
  OWN_BUCKET=
  if [ "$1" = endpoint ] && [ -n "${BUCKET:-}" ]; then
    B=$BUCKET
  else
    B=qcli-bench-$$
    OWN_BUCKET=1
    "$QCLI" s3 mb "s3://$B" >/dev/null
  fi
}

stop_target() {
  [ -n "$OWN_BUCKET" ] && { "$QCLI" s3 rb --force "s3://$B" >/dev/null 2>&1 || true; }
  stop_servers
}

echo "making $SMALL_FILES files of $SMALL_KIB KiB and one of $BIG_MIB MiB..." >&2
mkdir -p "$WORK/small" "$WORK/out"
head -c $((SMALL_FILES * SMALL_KIB * 1024)) /dev/urandom | split -a 5 -d -b $((SMALL_KIB * 1024)) - "$WORK/small/f"
head -c $((BIG_MIB * 1024 * 1024)) /dev/urandom >"$WORK/big.bin"

# evict FILE: drops it from the page cache (COLD=1), so that an upload reads the disk.
evict() {
  python3 -c 'import os,sys; fd=os.open(sys.argv[1],os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED)' "$1" 2>/dev/null ||
    dd if="$1" iflag=nocache count=0 status=none 2>/dev/null || true
}

RESULTS="$WORK/results"
: >"$RESULTS"

# measure TARGET ROUND CASE TOOL CMD...: runs CMD once and records wall
# seconds, client CPU seconds, peak RSS (MiB), then user and system CPU.
measure() {
  local target=$1 round=$2 case=$3 tool=$4
  shift 4
  sync
  if [ -n "${PERF_RECORD:-}" ] && [ "$tool" = qcli ]; then
    mkdir -p "$PERF_RECORD"
    set -- perf record -q -g -o "$PERF_RECORD/$target-$case-$round.data" -- "$@"
  fi
  if ! /usr/bin/time -v -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt"; then
    echo "bench: $case/$tool failed:" >&2
    tail -5 "$WORK/err.txt" >&2
    return 0
  fi
  awk -v pre="$target $round $case $tool" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { r = $2 }
    END { printf "%s %.3f %.3f %.1f %.2f %.2f\n", pre, w, u + s, r / 1024, u, s }' "$WORK/time.txt" >>"$RESULTS"
}

# Commands measured must be programs (/usr/bin/time runs them), not functions.
read -ra extra_flags <<<"$QCLI_FLAGS"
QCP=("$QCLI" s3 cp --progress none --only-show-errors "${extra_flags[@]}")
BEFORE=("${QCLI_BEFORE:-}" s3 cp --progress none --only-show-errors "${extra_flags[@]}")

# copy_cmd TOOL SRC DST [recursive]: sets CMD to the command line with
# which TOOL copies SRC to DST, one a local path and the other s3://B/KEY
# (a prefix when recursive); fails when TOOL cannot (curl and trees).
copy_cmd() {
  local tool=$1 src=$2 dst=$3 rec=${4:+--recursive}
  # shellcheck disable=SC2206 # $rec unquoted: no word at all when it is empty
  case $tool in
  qcli) CMD=("${QCP[@]}" $rec "$src" "$dst") ;;
  before) CMD=("${BEFORE[@]}" $rec "$src" "$dst") ;;
  aws) CMD=(aws --endpoint-url "$ENDPOINT_URL" --only-show-errors s3 cp $rec "$src" "$dst") ;;
  rclone) CMD=(rclone "$([ -n "$rec" ] && echo copy || echo copyto)" "$(rclone_path "$src")" "$(rclone_path "$dst")") ;;
  curl) # one plain PUT or GET of a presigned URL
    [ -z "$rec" ] || return 1
    case $dst in
    s3://*) CMD=(curl -sf -T "$src" "$("$QCLI" s3 presign --method PUT "$dst")") ;;
    *) CMD=(curl -sf -o "$dst" "$("$QCLI" s3 presign "$src")") ;;
    esac ;;
  *) return 1 ;;
  esac
}

# rclone_path P: s3://B/KEY as rclone's remote q names it.
rclone_path() {
  case $1 in
  s3://*) local p=${1#s3://} && echo "q:${p%/}" ;;
  *) echo "$1" ;;
  esac
}

# upload CASE TOOL ROUND: one measured upload by TOOL; what it wrote is
# removed afterwards (unmeasured) so that no tool finds its work already
# done in the next round.
upload() {
  local case=$1 tool=$2 round=$3 key="up-$2"
  case $case in
  big-up)
    copy_cmd "$tool" "$WORK/big.bin" "s3://$B/$key" || return 0
    [ -n "$COLD" ] && evict "$WORK/big.bin"
    ;;
  small-up) copy_cmd "$tool" "$WORK/small" "s3://$B/$key/" recursive || return 0 ;;
  stdin-up) # a stream: memory is bounded by concurrency x part size
    case $tool in
    qcli | before) copy_cmd "$tool" - "s3://$B/$key" ;;
    *) return 0 ;;
    esac
    CMD=(sh -c "cat '$WORK/big.bin' | \"\$@\"" sh "${CMD[@]}")
    ;;
  esac
  measure "$target" "$round" "$case" "$tool" "${CMD[@]}"
  "$QCLI" s3 rm "s3://$B/$key" >/dev/null 2>&1 || true                 # the object,
  "$QCLI" s3 rm --recursive "s3://$B/$key/" >/dev/null 2>&1 || true     # or the tree
}

# download CASE TOOL ROUND: one measured download of the seeded objects
# into a fresh local path, compared with the original.
download() {
  local case=$1 tool=$2 round=$3 out="$WORK/out/$2"
  rm -rf "$out"
  case $case in
  big-down) copy_cmd "$tool" "s3://$B/src-big" "$out" || return 0 ;;
  big-down-put) copy_cmd "$tool" "s3://$B/src-big-put" "$out" || return 0 ;;
  small-down) copy_cmd "$tool" "s3://$B/src-small/" "$out" recursive || return 0 ;;
  esac
  measure "$target" "$round" "$case" "$tool" "${CMD[@]}"
  if [ -f "$out" ] && ! cmp -s "$WORK/big.bin" "$out"; then echo "bench: WARNING: $tool's $case download differs" >&2; fi
  rm -rf "$out"
}

# The round's tool order alternates, so that no tool always runs first
# (right after the server's previous burst) or last.
ordered() {
  local round=$1 list=$tools
  if [ $((round % 2)) -eq 0 ]; then list=$(echo "$tools" | tr ' ' '\n' | tac | tr '\n' ' '); fi
  echo "$list"
}

CASES=${CASES:-big-up big-down big-down-put small-up small-down stdin-up}
DESC="$WORK/descriptions"
: >"$DESC"
for target in $TARGETS; do
  echo "target $target: starting..." >&2
  start_target "$target"
  echo "$target|$SERVER_DESC at $ENDPOINT_URL" >>"$DESC"
  # Download sources: a multipart object written by qcli (its part size in
  # its metadata), a single-PUT object (plain MD5 ETag), a tree of small files.
  "${QCP[@]}" "$WORK/big.bin" "s3://$B/src-big"
  curl -sf -T "$WORK/big.bin" "$("$QCLI" s3 presign --method PUT "s3://$B/src-big-put")"
  "${QCP[@]}" --recursive "$WORK/small" "s3://$B/src-small/"
  for round in $(seq "$RUNS"); do
    echo "target $target: round $round of $RUNS (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    for case in $CASES; do
      for tool in $(ordered "$round"); do
        case $case in
        *-up) upload "$case" "$tool" "$round" ;;
        *) download "$case" "$tool" "$round" ;;
        esac
      done
    done
  done
  stop_target
done

# The report. Medians over rounds; ratios are qcli / peer per round, then
# their median (below 1: qcli used less time, CPU or memory).
echo
echo "qcli: $("$QCLI" version 2>/dev/null | head -1); $(curl --version | head -1 | cut -d' ' -f1-2)$(have rclone && echo "; $(rclone version 2>/dev/null | head -1)")"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//'); load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$RUNS rounds; medians. Ratios are qcli / peer, per round, then the median (below 1: qcli is faster or smaller)."
echo "spread: (max - min) / median of qcli's own figure over the rounds, a measure of the noise."
for target in $TARGETS; do
  echo
  echo "## $(grep "^$target|" "$DESC" | cut -d'|' -f2-)"
  echo
  awk -v target="$target" -v tools="$tools" -v big="$BIG_MIB" -v nsmall="$SMALL_FILES" -v ksmall="$SMALL_KIB" '
    function median(list,   n, a, i, j, x) {
      n = split(list, a, " ")
      if (n == 0) return ""
      for (i = 2; i <= n; i++) { x = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function spread(list,   n, a, i, lo, hi, m) {
      n = split(list, a, " "); if (n < 2) return "-"
      lo = hi = a[1] + 0
      for (i = 2; i <= n; i++) { if (a[i] + 0 < lo) lo = a[i] + 0; if (a[i] + 0 > hi) hi = a[i] + 0 }
      m = median(list); return m > 0 ? sprintf("%.0f%%", 100 * (hi - lo) / m) : "-"
    }
    function add(k, v) { vals[k] = (k in vals) ? vals[k] " " v : v }
    $1 == target {
      # fields: target round case tool wall cpu rss
      add($3 SUBSEP $4 SUBSEP "wall", $5); add($3 SUBSEP $4 SUBSEP "cpu", $6 * 1024 / big)
      add($3 SUBSEP $4 SUBSEP "rss", $7); w[$2, $3, $4] = $5; c[$2, $3, $4] = $6; rss[$2, $3, $4] = $7
      rounds[$2] = 1
    }
    # row LABEL CASE METRIC: one table row.
    function row(label, cs, metric,   line, t, i, m, r, k, ratios, v, q, fmt, any) {
      for (i = 1; i <= nt; i++) if ((cs SUBSEP tl[i] SUBSEP metric) in vals) any = 1
      if (!any) return # a case that was not run
      fmt = (metric == "rss") ? "%.0f" : "%.2f"
      line = "| " label
      for (i = 1; i <= nt; i++) {
        k = cs SUBSEP tl[i] SUBSEP metric
        line = line " | " ((k in vals) ? sprintf(fmt, median(vals[k])) : "-")
      }
      for (i = 2; i <= nt; i++) {
        ratios = ""
        for (r in rounds) {
          q = (metric == "wall") ? w[r, cs, "qcli"] : (metric == "cpu") ? c[r, cs, "qcli"] : rss[r, cs, "qcli"]
          v = (metric == "wall") ? w[r, cs, tl[i]] : (metric == "cpu") ? c[r, cs, tl[i]] : rss[r, cs, tl[i]]
          if (q != "" && v + 0 > 0) ratios = ratios " " q / v
        }
        line = line " | " (ratios == "" ? "-" : sprintf("%.2fx", median(ratios)))
      }
      k = cs SUBSEP "qcli" SUBSEP metric
      print line " | " ((k in vals) ? spread(vals[k]) : "-") " |"
    }
    END {
      nt = split(tools, tl, " ")
      head = "| workload"; sep = "|---"
      for (i = 1; i <= nt; i++) { head = head " | " tl[i]; sep = sep "|---:" }
      for (i = 2; i <= nt; i++) { head = head " | qcli / " tl[i]; sep = sep "|---:" }
      print head " | spread |"; print sep "|---:|"
      row(big " MiB upload, wall s", "big-up", "wall")
      row(big " MiB download, wall s", "big-down", "wall")
      row(big " MiB download of a single-PUT object, wall s", "big-down-put", "wall")
      row("client CPU s per GiB, upload", "big-up", "cpu")
      row("client CPU s per GiB, download", "big-down", "cpu")
      row("client CPU s per GiB, download (single PUT)", "big-down-put", "cpu")
      row(sprintf("%d x %d KiB upload, wall s", nsmall, ksmall), "small-up", "wall")
      row(sprintf("%d x %d KiB download, wall s", nsmall, ksmall), "small-down", "wall")
      row("peak RSS MiB, " big " MiB upload", "big-up", "rss")
      row("peak RSS MiB, " big " MiB download", "big-down", "rss")
      row("peak RSS MiB, small files down", "small-down", "rss")
      row("peak RSS MiB, " big " MiB upload from stdin", "stdin-up", "rss")
    }' "$RESULTS"
done
# KEEP_RESULTS=file keeps the raw figures: target round case tool wall cpu rss user sys.
[ -n "${KEEP_RESULTS:-}" ] && cp "$RESULTS" "$KEEP_RESULTS"
exit 0
