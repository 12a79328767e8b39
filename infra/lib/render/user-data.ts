/**
 * Shell scripts for EC2 user data, rendered as plain text so tests can run `bash -n` on them.
 * Values are interpolated once, here, through shellQuote: nothing else splices text into a script.
 */

/** Single-quotes a value for bash. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

/** The instance tags (read through IMDS, so the launch template must allow instance metadata tags) that say what a host runs. */
export const RUN_TAG = 'capacity-plan-run';
export const SPEC_TAG = 'capacity-plan-spec';

/** The CUDA 12 toolkit the Base OSS DLAMI carries next to its default CUDA 13; onnxruntime-node's CUDA EP needs 12. */
export const CUDA_MAJOR = 12;
export const CUDNN_MAJOR = 9;

export interface ProfilingUserDataOptions {
  bucketName: string;
  region: string;
  /**
   * The packed tool in the results bucket (`npm pack` of this repository, uploaded by the deployer:
   * infra/README.md, "The tool on the hosts"): the same artifact a user installs, never a registry name.
   */
  toolKey: string;
  /** Node.js release installed from nodejs.org (the DLAMI carries none). */
  nodeVersion: string;
  /** The dead-man timer: the host shuts down after this many minutes whatever happens. */
  maxRunMinutes: number;
  /** Where the run works and keeps its results (default /opt/capacity-plan). */
  workDir?: string;
}

/**
 * The profiling host's boot script. The run and the spec's S3 key come from the instance's tags
 * (`aws ec2 run-instances --launch-template ... --tag-specifications`), so one launch template
 * serves every run. Whatever happens, the host ends: the EXIT trap uploads what exists and shuts
 * down (the launch template terminates on shutdown), and a dead-man shutdown is scheduled first.
 */
export function renderProfilingUserData(o: ProfilingUserDataOptions): string {
  if (!Number.isInteger(o.maxRunMinutes) || o.maxRunMinutes < 10) throw new RangeError(`maxRunMinutes ${o.maxRunMinutes} must be a whole number of at least 10`);
  return `#!/bin/bash
# capacity-plan profiling host: install, check CUDA ${CUDA_MAJOR} / cuDNN ${CUDNN_MAJOR}, run the spec, upload, shut down.
set -euo pipefail
BUCKET=${shellQuote(o.bucketName)}
REGION=${shellQuote(o.region)}
TOOL_KEY=${shellQuote(o.toolKey)}
NODE_VERSION=${shellQuote(o.nodeVersion)}
WORK=${shellQuote(o.workDir ?? '/opt/capacity-plan')}
LOG="$WORK/boot.log"
mkdir -p "$WORK/results"
exec > >(tee -a "$LOG") 2>&1

# Dead-man timer first: even a hung install or profile cannot keep the GPU billing.
shutdown -h +${o.maxRunMinutes} 'capacity-plan: dead-man timer'

RUN=''
INSTANCE_TYPE=''
finish() {
  local rc=$?
  # Nothing in here may stop the shutdown: no -e, no -u.
  set +eu
  echo "capacity-plan: exit code $rc"
  echo "$rc" > "$WORK/results/exit-code"
  if [ -n "$RUN" ]; then
    cp "$LOG" "$WORK/results/boot.log" || true
    aws s3 cp --region "$REGION" --recursive "$WORK/results" "s3://$BUCKET/results/$RUN/$INSTANCE_TYPE/" || true
  fi
  shutdown -h now 'capacity-plan: run finished'
}
trap finish EXIT

TOKEN=$(curl -sS -f -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600')
metadata() { curl -sS -f -H "X-aws-ec2-metadata-token: $TOKEN" "http://169.254.169.254/latest/meta-data/$1"; }
INSTANCE_TYPE=$(metadata instance-type)
RUN=$(metadata tags/instance/${RUN_TAG}) || { echo 'no ${RUN_TAG} tag on this instance'; exit 64; }
SPEC_KEY=$(metadata tags/instance/${SPEC_TAG}) || { echo 'no ${SPEC_TAG} tag on this instance'; exit 64; }
case "$RUN" in *[!A-Za-z0-9._-]*|'') echo "bad run id '$RUN'"; exit 64;; esac

# CUDA ${CUDA_MAJOR}: the newest /usr/local/cuda-${CUDA_MAJOR}.x, not the AMI's default /usr/local/cuda.
CUDA_HOME=$(ls -d /usr/local/cuda-${CUDA_MAJOR}.* 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$CUDA_HOME" ]; then echo 'no CUDA ${CUDA_MAJOR} under /usr/local (use the Base OSS DLAMI)'; exit 65; fi
export CUDA_HOME
export LD_LIBRARY_PATH="$CUDA_HOME/lib64:$CUDA_HOME/extras/CUPTI/lib64:\${LD_LIBRARY_PATH:-}"
ldconfig
if ! { ldconfig -p | grep -q 'libcudnn.so.${CUDNN_MAJOR}' || ls "$CUDA_HOME"/lib64/libcudnn.so.${CUDNN_MAJOR}* >/dev/null 2>&1; }; then
  echo 'cuDNN ${CUDNN_MAJOR} not found (onnxruntime-node CUDA 12 needs it)'; exit 65
fi
nvidia-smi

curl -sS -f "https://nodejs.org/dist/v$NODE_VERSION/node-v$NODE_VERSION-linux-x64.tar.xz" | tar -xJ -C /usr/local --strip-components=1
aws s3 cp --region "$REGION" "s3://$BUCKET/$TOOL_KEY" "$WORK/capacity-plan.tgz" || { echo "no s3://$BUCKET/$TOOL_KEY: upload the packed tool first (infra/README.md, 'The tool on the hosts')"; exit 66; }
# Set: the package's preinstall leaves onnxruntime-node's CUDA 12 download to it (a GPU host wants it).
export ONNXRUNTIME_NODE_INSTALL=cuda12
npm install --global "$WORK/capacity-plan.tgz"
# What this host can do, in boot.log; exit 3 (the run fails here, not mid-profile) when --device cuda would not load.
capacity-plan doctor

aws s3 cp --region "$REGION" "s3://$BUCKET/$SPEC_KEY" "$WORK/spec.json"
cd "$WORK"
# The spec is {"command": "profile"|"sweep", "args": [...]}, checked by 'capacity-plan batch submit'.
mapfile -t ARGS < <(node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); for (const a of [s.command, ...s.args]) console.log(a)' "$WORK/spec.json")
capacity-plan "\${ARGS[@]}" --instance-type "$INSTANCE_TYPE" --out "$WORK/results/$INSTANCE_TYPE.json"
`;
}

export interface FleetAgentUserDataOptions {
  agentConfigParameter: string;
  prometheusParameter: string;
  prometheusConfigPath: string;
  region: string;
}

/** The lines a fleet host's user data adds: write prometheus.yaml from SSM, then start the CloudWatch agent on the SSM config. */
export function renderFleetAgentUserData(o: FleetAgentUserDataOptions): string {
  return `#!/bin/bash
# capacity-plan fleet host: the CloudWatch agent with nvidia_gpu and the agent's /metrics.
set -euo pipefail
REGION=${shellQuote(o.region)}
PROMETHEUS_CONFIG=${shellQuote(o.prometheusConfigPath)}
mkdir -p "$(dirname "$PROMETHEUS_CONFIG")"
aws ssm get-parameter --region "$REGION" --name ${shellQuote(o.prometheusParameter)} --query Parameter.Value --output text > "$PROMETHEUS_CONFIG"
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c ${shellQuote(`ssm:${o.agentConfigParameter}`)}
`;
}
