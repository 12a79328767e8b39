#!/bin/bash
# One Batch job: fetch the spec, run `capacity-plan profile|sweep` on this whole host, upload the
# document to s3://$RESULTS_BUCKET/results/<run>/<instance type>/. Arguments: <run> <spec key>.
set -euo pipefail
RUN="${1:?usage: run-job <run> <spec key>}"
SPEC_KEY="${2:?usage: run-job <run> <spec key>}"
: "${RESULTS_BUCKET:?RESULTS_BUCKET is not set}"
: "${INSTANCE_TYPE:?INSTANCE_TYPE is not set}"
case "$RUN" in *[!A-Za-z0-9._-]*) echo "bad run id '$RUN'" >&2; exit 64;; esac
DEST="s3://$RESULTS_BUCKET/results/$RUN/$INSTANCE_TYPE/"
WORK="${WORK_DIR:-/work}"
OUT="$WORK/out"
mkdir -p "$OUT"

upload() {
  local rc=$?
  echo "$rc" > "$OUT/exit-code"
  aws s3 cp --recursive "$OUT" "$DEST" || true
  exit "$rc"
}
trap upload EXIT

nvidia-smi
aws s3 cp "s3://$RESULTS_BUCKET/$SPEC_KEY" "$WORK/spec.json"
mapfile -t ARGS < <(node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); for (const a of [s.command, ...s.args]) console.log(a)' "$WORK/spec.json")
JOB="${AWS_BATCH_JOB_ID:-local}"
capacity-plan "${ARGS[@]}" --instance-type "$INSTANCE_TYPE" --out "$OUT/$INSTANCE_TYPE-$JOB.json"
