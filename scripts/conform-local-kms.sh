#!/usr/bin/env bash
# conform-local-kms.sh BIN OUT LOCAL_KMS [kmsconform run flags...]
#
# Runs kmsconform (BIN) against local-kms (the LOCAL_KMS binary) and writes
# the reports into OUT. local-kms has no listen-address setting: it binds
# every interface. So both run in private network, user and PID namespaces
# (unshare -rn --pid), where the only interface is loopback; no port is
# opened on the machine's network. The PID namespace ends with this script:
# the kernel then kills local-kms, however the script ends (even on SIGKILL).
# Exits with kmsconform run's status.
set -euo pipefail

if [ "$#" -lt 3 ]; then
  echo "usage: $0 BIN OUT LOCAL_KMS [kmsconform run flags...]" >&2
  exit 2
fi
bin=$(realpath "$1") out=$2 local_kms=$3
shift 3

if [ "${KMSCONFORM_IN_NETNS:-}" != 1 ]; then
  command -v unshare >/dev/null || { echo "conform-local-kms: unshare (util-linux) is not on PATH" >&2; exit 1; }
  if ! unshare -rn --pid --fork true 2>/dev/null; then
    echo "conform-local-kms: this machine does not allow unprivileged network namespaces (unshare -rn --pid --fork true failed);" >&2
    echo "local-kms binds every interface, so it is not started outside one" >&2
    exit 1
  fi
  exec unshare -rn --pid --fork --kill-child env KMSCONFORM_IN_NETNS=1 bash "$0" "$bin" "$out" "$local_kms" "$@"
fi

ip link set lo up
# Loopback is all there is: refuse to start local-kms next to anything else.
if ip -o link show | grep -v ': lo:' | grep -q .; then
  echo "conform-local-kms: the namespace has interfaces other than lo; not starting local-kms" >&2
  ip -o link show >&2
  exit 1
fi

mkdir -p "$out"
scratch=$(mktemp -d)
port=4599
: >"$scratch/no-seed.yaml"
PORT=$port KMS_REGION=us-east-1 KMS_ACCOUNT_ID=111122223333 \
  KMS_DATA_PATH="$scratch/data" KMS_SEED_PATH="$scratch/no-seed.yaml" \
  "$local_kms" >"$out/local-kms.log" 2>&1 &
pid=$!
# (wait reports local-kms's SIGTERM as 143; under set -e that would end the
# trap, and the script, with it.)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$scratch"' EXIT

for i in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  if ! kill -0 $pid 2>/dev/null || [ "$i" = 100 ]; then
    echo "conform-local-kms: local-kms did not start; see $out/local-kms.log" >&2
    exit 1
  fi
  sleep 0.1
done

version=$(go version -m "$local_kms" 2>/dev/null | awk '$1 == "mod" { print $3 }')
status=0
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN= AWS_PROFILE= AWS_REGION=us-east-1 \
  "$bin" run --endpoint "http://127.0.0.1:$port" --config runner/testdata/fake-fixtures.yaml --out "$out" \
  --name "local-kms ${version:-(unknown version)}" "$@" || status=$?
exit $status
