#!/usr/bin/env bash
# Regenerates the README's "Reliability" report.
#
#   bench/reliability.sh                  # the fault matrix, then the semantic faults, as markdown, on stdout
#   bench/reliability.sh --fuzz           # then every fuzz target for FUZZTIME each (default 10m)
#   FUZZTIME=3m bench/reliability.sh --fuzz
#
# The matrix is TestFaultMatrix in internal/reliability, the semantic faults
# TestSemanticFaults (they run in plain `go test ./...` too, and fail on any
# cell or case that loses, corrupts or leaks); here they are run once more
# with QCLI_REPORT and QCLI_SEMANTIC_REPORT set so that their tables are kept.
# Fuzz targets run one after the other, since they use every CPU; their
# corpora (testdata/fuzz/<Target>) run in plain `go test` as well.
set -euo pipefail
cd "$(dirname "$0")/.."

# package:target, the fuzz targets of every parser that takes user input.
FUZZ_TARGETS=(
  internal/s3uri:FuzzParse
  transfer/filter:FuzzMatch
  configure:FuzzLoadFiles
  configure:FuzzSettingValue
  internal/cli/cmdutil:FuzzParseSize
  presign:FuzzParseExpiry
  client:FuzzErrorResponse
  client/quicksync:FuzzDecryptName
  internal/cli/runcmd:FuzzSplitWords
  internal/cli/s3apicmd:FuzzShorthand
  internal/cli/output:FuzzName
)

. bench/lib.sh
report=$WORK/report semantic=$WORK/semantic
QCLI_REPORT="$report" QCLI_SEMANTIC_REPORT="$semantic" \
  go test -count=1 ./internal/reliability -run '^(TestFaultMatrix|TestSemanticFaults)$' >&2
cat "$report"
echo
cat "$semantic"

if [ "${1:-}" = "--fuzz" ]; then
  echo >&2
  for spec in "${FUZZ_TARGETS[@]}"; do
    pkg=${spec%%:*} target=${spec##*:}
    echo "fuzzing $target in ./$pkg for ${FUZZTIME:-10m}..." >&2
    go test "./$pkg" -run '^$' -fuzz "^$target\$" -fuzztime "${FUZZTIME:-10m}" 2>&1 | tail -3 >&2
  done
fi
