#!/usr/bin/env bash
# Runs one list of compatibility checks, each an rclone or `aws s3api`
# command with the answer S3 gives, against MinIO and against `qcli server
# --memory` side by side (both on loopback over plain HTTP), and prints a
# pass count for each and the checks where they differ. A check passes
# when the command's exit status is the one wanted and its output (stdout
# and stderr) matches, or does not match, a pattern. The go tests
# (internal/emulator/s3: TestRclone, TestAWSCLI*, TestBoto3*) drive the
# same tools against the emulator over TLS; this script shows where
# MinIO, the usual stand-in for S3 in tests, stands on the same checks.
#
#   bench/s3compat.sh            # exit status 1 when the emulator fails a check
#   KEEP=dir bench/s3compat.sh   # keeps each command's output in dir
#
# Settings (environment): MINIO_BIN (else `minio` on PATH, else built once as
# bench/lib.sh says), RCLONE (rclone on PATH), QCLI (default: built from this
# tree), REGION (q-world-1).
# Needs: go (unless QCLI and MinIO are given), curl, md5sum, rclone, aws.
set -euo pipefail
cd "$(dirname "$0")/.."

REGION=${REGION:-q-world-1}
RCLONE=${RCLONE:-rclone}
BENCH_EXIT=2
. bench/lib.sh
for t in "$RCLONE" aws curl md5sum; do
  have "$t" || die "$t is needed (see the settings at the top of $0)"
done
build_qcli

# start_target NAME: starts the server and sets ENDPOINT, AK and SK.
start_target() {
  case $1 in
  qcli)
    AK=COMPATACCESSKEY00001 SK=compat-secret-key-0000000000000000000001
    start_qcli_server "$AK" "$SK"
    ;;
  minio)
    AK=compataccesskey SK=compat-secret-key-0001
    start_minio "$AK" "$SK"
    ;;
  esac
  ENDPOINT=$SERVER_URL
}

# make_files: the tree rclone copies, with fixed modification times; a
# file over the 1M upload cutoff and the 5M copy cutoff, and names to
# escape. Sets BIG_MD5 and BIG_SIZE.
make_files() {
  local d=$WORK/files
  rm -rf "$d" && mkdir -p "$d/src/sub" "$d/src/ünï cödé" "$d/dst"
  printf 'hello\n' >"$d/src/a.txt"
  printf 'world, from a sub-directory\n' >"$d/src/sub/b.txt"
  : >"$d/src/empty"
  printf 'odd' >"$d/src/odd name+%&.txt"
  printf 'unicode' >"$d/src/ünï cödé/日本語 %20 テスト.txt"
  head -c $((6 * 1024 * 1024 + 1000)) /dev/urandom >"$d/src/big.bin"
  find "$d/src" -type f -exec touch -d '2020-01-02 03:04:05.123456789 UTC' {} +
  touch -d '2021-06-07 08:09:10.5 UTC' "$d/src/a.txt"
  BIG_MD5=$(md5sum "$d/src/big.bin" | cut -d' ' -f1)
  BIG_SIZE=$((6 * 1024 * 1024 + 1000))
}

# check NAME WANT CMD...: runs CMD and records whether it answered as
# WANT says: `ok` or `fail` (exit status zero or not), optionally followed
# by `~ERE` (the output matches the extended regular expression) or `!ERE`
# (it does not).
check() {
  local name=$1 want=$2
  shift 2
  local rc=0 out=$WORK/out/$target.$name
  "$@" >"$out" 2>&1 || rc=$?
  local status=${want%%[~!]*} pattern=${want#"${want%%[~!]*}"} ok=1
  if [ "$status" = ok ] && [ $rc -ne 0 ]; then ok=0; fi
  if [ "$status" = fail ] && [ $rc -eq 0 ]; then ok=0; fi
  case $pattern in
  "~"*) grep -qE -- "${pattern#\~}" "$out" || ok=0 ;;
  "!"*) if grep -qE -- "${pattern#!}" "$out"; then ok=0; fi ;;
  esac
  if [ $ok = 1 ]; then
    echo "$name" >>"$WORK/$target.pass"
  else
    echo "$name (exit $rc; wanted $want)" >>"$WORK/$target.fail"
  fi
}

rc() { check "$1" "$2" "$RCLONE" --retries 1 "${@:3}"; }
s3api() { check "$1" "$2" aws --endpoint-url "$ENDPOINT" --region "$REGION" s3api "${@:3}"; }

rclone_checks() {
  local src=$WORK/files/src dst=$WORK/files/dst mp=(--s3-upload-cutoff 1M --s3-chunk-size 5M)
  rc mkdir ok mkdir q:rcl
  rc copy-up ok copy "$src" q:rcl/t "${mp[@]}"
  rc lsl-mtime 'ok~6 2021-06-07 08:09:10.500000000 t/a.txt' lsl q:rcl
  rc lsjson-multipart-md5 "ok~\"md5\":\"$BIG_MD5\"" lsjson -R --hash q:rcl/t
  rc lsf-escaped-names 'ok~日本語 %20 テスト.txt' lsf -R q:rcl/t
  rc lsd ok~sub lsd q:rcl/t
  rc copy-down ok copy --checksum q:rcl/t "$dst"
  check tree-down ok diff -r "$src" "$dst"
  rc check 'ok~ 0 differences found' check "$src" q:rcl/t
  rc check-download 'ok~ 0 differences found' check --download "$src" q:rcl/t
  rc md5sum "ok~$BIG_MD5  big.bin" md5sum q:rcl/t
  rc copyto-server ok copyto q:rcl/t/a.txt q:rcl/t/a-copy.txt
  rc copyto-multipart ok copyto --s3-copy-cutoff 5M q:rcl/t/big.bin q:rcl/t/big-copy.bin
  rc copy-keeps-mtime 'ok~"ModTime":"2021-06-07T08:09:10.5' lsjson q:rcl/t/a-copy.txt
  rc multipart-copy-md5 "ok~\"md5\":\"$BIG_MD5\"" lsjson --hash q:rcl/t/big-copy.bin
  rc moveto ok moveto q:rcl/t/a-copy.txt q:rcl/t/moved.txt
  rc touch ok touch -t 2022-03-04T05:06:07 q:rcl/t/moved.txt
  rc touched 'ok~6 2022-03-04 05:06:07.000000000 moved.txt' lsl q:rcl/t/moved.txt
  check rcat-small ok sh -c "echo streamed | '$RCLONE' rcat q:rcl/t/streamed.txt"
  check rcat-big ok sh -c "head -c 6000000 '$src/big.bin' | '$RCLONE' rcat ${mp[*]} q:rcl/t/streamed.bin"
  rc cat ok~^streamed$ cat q:rcl/t/streamed.txt
  rc rcat-big-size 'ok~^ *6000000 streamed.bin' ls q:rcl/t/streamed.bin
  rc cat-range ok~^llo$ cat --offset 2 --count 3 q:rcl/t/a.txt
  rc sync-up ok sync --delete-during "$src" q:rcl/s
  rm -r "$src/sub"
  echo changed >"$src/a.txt"
  rc sync-up-again ok sync --delete-during "$src" q:rcl/s
  rc synced-deletes 'ok!b.txt' ls q:rcl/s
  rc sync-down ok sync --delete-during q:rcl/s "$dst"
  check tree-synced ok diff -r "$src" "$dst"
  rc check-synced 'ok~ 0 differences found' check "$dst" q:rcl/s
  rc delete ok delete --include '*.txt' q:rcl/t
  rc deleted 'ok!\.txt' ls q:rcl/t
  rc rmdir-nonempty fail~BucketNotEmpty rmdir q:rcl
  rc purge ok purge q:rcl/t
  rc purged 'ok!^t/$' lsf q:rcl
  rc purge-bucket ok purge q:rcl
  rc bucket-gone 'ok! rcl$' lsd q:
  rc ls-missing 'fail~directory not found' ls q:missing-bucket
  rc mkdir-versioned ok mkdir q:rclv
  rc versioning-enable ok backend versioning q:rclv Enabled
  rc versioning-get ok~Enabled backend versioning q:rclv
  check put-v1 ok sh -c "echo one | '$RCLONE' rcat q:rclv/k"
  check put-v2 ok sh -c "echo two2 | '$RCLONE' rcat q:rclv/k"
  rc versions-listed 'ok~ 4 .* k-v' lsl --s3-versions q:rclv
  rc delete-versioned ok delete q:rclv/k
  rc hidden-by-marker 'ok!k' ls q:rclv
  rc versions-kept 'ok~ 5 .* k-v' lsl --s3-versions q:rclv
  rc cleanup-hidden ok backend cleanup-hidden q:rclv
  rc versions-cleaned 'ok!k' lsl --s3-versions q:rclv
  rc purge-versioned ok purge q:rclv
}

s3api_checks() {
  local f=$WORK/files/src/big.bin
  s3api create-bucket ok create-bucket --bucket aws1
  s3api create-bucket-again fail~BucketAlreadyOwnedByYou create-bucket --bucket aws1
  s3api head-bucket "ok~\"BucketRegion\": \"$REGION\"" head-bucket --bucket aws1
  s3api location "ok~\"LocationConstraint\": \"$REGION\"" get-bucket-location --bucket aws1
  s3api head-bucket-missing 'fail~\(404\)' head-bucket --bucket missing-bucket
  s3api put ok put-object --bucket aws1 --key 'dir/a b+c.txt' --body "$WORK/files/src/empty" \
    --metadata Color=Blue,UPPER=x --content-type text/plain
  s3api metadata-lower-case 'ok~"color": "Blue"' head-object --bucket aws1 --key 'dir/a b+c.txt'
  s3api head-missing 'fail~\(404\)' head-object --bucket aws1 --key nope
  s3api get-missing fail~NoSuchKey get-object --bucket aws1 --key nope "$WORK/out.bin"
  s3api put-crc32 ok~ChecksumCRC32 put-object --bucket aws1 --key crc --body "$f" --checksum-algorithm CRC32
  s3api head-checksum 'ok~"ChecksumCRC32": "' head-object --bucket aws1 --key crc --checksum-mode ENABLED
  s3api get-range "ok~\"ContentRange\": \"bytes 10-19/$BIG_SIZE\"" get-object --bucket aws1 --key crc --range bytes=10-19 "$WORK/out.bin"
  s3api get-range-past fail~InvalidRange get-object --bucket aws1 --key crc --range bytes=99999999- "$WORK/out.bin"
  s3api put-if-none-match fail~PreconditionFailed put-object --bucket aws1 --key crc --body "$f" --if-none-match '*'
  s3api attributes "ok~\"ObjectSize\": $BIG_SIZE" get-object-attributes --bucket aws1 --key crc \
    --object-attributes ETag Checksum ObjectSize StorageClass
  s3api list-v2 'ok~"Key": "dir/a b\+c.txt"' list-objects-v2 --bucket aws1
  s3api list-v2-url-delimiter 'ok~"Prefix": "dir/"' list-objects-v2 --bucket aws1 --delimiter / --encoding-type url
  s3api list-v1 'ok~"Key": "crc"' list-objects --bucket aws1
  s3api copy ok~CopyObjectResult copy-object --bucket aws1 --key copied --copy-source aws1/crc \
    --metadata-directive REPLACE --metadata k=v
  s3api copy-replaced-metadata 'ok~"k": "v"' head-object --bucket aws1 --key copied
  s3api tag ok put-object-tagging --bucket aws1 --key copied --tagging 'TagSet=[{Key=b,Value=2},{Key=a,Value=1}]'
  s3api get-tags 'ok~"Key": "a"' get-object-tagging --bucket aws1 --key copied
  s3api create-upload ok~UploadId create-multipart-upload --bucket aws1 --key mp
  local id
  id=$(sed -n 's/.*"UploadId": "\(.*\)".*/\1/p' "$WORK/out/$target.create-upload")
  s3api upload-part ok~ETag upload-part --bucket aws1 --key mp --upload-id "$id" --part-number 1 --body "$f"
  s3api list-parts 'ok~"PartNumber": 1' list-parts --bucket aws1 --key mp --upload-id "$id"
  s3api list-uploads 'ok~"Key": "mp"' list-multipart-uploads --bucket aws1
  s3api complete-no-parts fail~MalformedXML complete-multipart-upload --bucket aws1 --key mp --upload-id "$id" \
    --multipart-upload '{"Parts":[]}'
  s3api complete-bad-etag fail~InvalidPart complete-multipart-upload --bucket aws1 --key mp --upload-id "$id" \
    --multipart-upload '{"Parts":[{"PartNumber":1,"ETag":"\"00000000000000000000000000000000\""}]}'
  s3api abort ok abort-multipart-upload --bucket aws1 --key mp --upload-id "$id"
  s3api abort-again fail~NoSuchUpload abort-multipart-upload --bucket aws1 --key mp --upload-id "$id"
  s3api delete-bucket-nonempty fail~BucketNotEmpty delete-bucket --bucket aws1
  s3api versioning ok put-bucket-versioning --bucket aws1 --versioning-configuration Status=Enabled
  s3api put-version ok~VersionId put-object --bucket aws1 --key copied --body "$WORK/files/src/a.txt"
  s3api delete-marker 'ok~"DeleteMarker": true' delete-object --bucket aws1 --key copied
  s3api head-behind-marker 'fail~\(404\)' head-object --bucket aws1 --key copied
  s3api list-versions ok~DeleteMarkers list-object-versions --bucket aws1 --prefix copied
  s3api delete-objects 'ok~"Key": "never"' delete-objects --bucket aws1 \
    --delete '{"Objects":[{"Key":"crc"},{"Key":"dir/a b+c.txt"},{"Key":"never"}]}'
  s3api list-after-delete 'ok!"Key"' list-objects-v2 --bucket aws1
}

mkdir -p "$WORK/out"
export RCLONE_CONFIG="$WORK/rclone.conf" RCLONE_CONFIG_Q_TYPE=s3 RCLONE_CONFIG_Q_PROVIDER=Other
export AWS_CONFIG_FILE="$WORK/aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials" AWS_PAGER=
: >"$RCLONE_CONFIG"
for target in minio qcli; do
  echo "checking $target..." >&2
  start_target "$target"
  export RCLONE_CONFIG_Q_ENDPOINT="$ENDPOINT" RCLONE_CONFIG_Q_REGION="$REGION"
  export RCLONE_CONFIG_Q_ACCESS_KEY_ID="$AK" RCLONE_CONFIG_Q_SECRET_ACCESS_KEY="$SK"
  export AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK"
  touch "$WORK/$target.pass" "$WORK/$target.fail"
  make_files
  rclone_checks
  s3api_checks
  stop_servers
done
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$WORK"/out/* "$KEEP"/; fi

echo "$("$RCLONE" version | head -1), $(aws --version 2>&1 | cut -d' ' -f1), MinIO $(minio_version)"
for target in minio qcli; do
  pass=$(wc -l <"$WORK/$target.pass") fail=$(wc -l <"$WORK/$target.fail")
  echo "$target: $pass of $((pass + fail)) checks passed"
  sed 's/^/  failed: /' "$WORK/$target.fail"
done
[ ! -s "$WORK/qcli.fail" ]
