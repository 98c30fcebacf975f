#!/usr/bin/env bash
# conform-localstack.sh BIN OUT VERSION DIR [kmsconform run flags...]
#
# Runs kmsconform (BIN) against LocalStack's KMS and writes the reports into
# OUT. LocalStack comes from PyPI (localstack-core[runtime]==VERSION,
# installed once into DIR with pip --target) and runs without Docker, as a
# plain Python process with only KMS started. Asked to listen on 127.0.0.1,
# it was seen listening on 0.0.0.0 all the same; so, as for local-kms, it
# and the suite run in private network, user and PID namespaces where
# loopback is the only interface, and it ends with the script, however the
# script ends. When LocalStack cannot run that way, the script says why and
# exits 1; otherwise it exits with kmsconform run's status.
set -euo pipefail

if [ "$#" -lt 4 ]; then
  echo "usage: $0 BIN OUT VERSION DIR [kmsconform run flags...]" >&2
  exit 2
fi
bin=$(realpath "$1") out=$2 version=$3 dir=$4
shift 4
mkdir -p "$out"

if [ "${KMSCONFORM_IN_NETNS:-}" = 1 ]; then
  ip link set lo up
  if ip -o link show | grep -v ': lo:' | grep -q .; then
    echo "conform-localstack: the namespace has interfaces other than lo; not starting LocalStack" >&2
    exit 1
  fi
  python=$KMSCONFORM_PYTHON
  port=4566
  scratch=$(mktemp -d)
  env PYTHONPATH="$dir" XDG_CACHE_HOME="$scratch/cache" \
    GATEWAY_LISTEN="127.0.0.1:$port" LOCALSTACK_HOST="127.0.0.1:$port" SERVICES=kms EAGER_SERVICE_LOADING=1 \
    DNS_ADDRESS=0 DISABLE_EVENTS=1 SKIP_SSL_CERT_DOWNLOAD=1 LOCALSTACK_TELEMETRY_DISABLED=1 \
    FILESYSTEM_ROOT="$scratch/fs" LOCALSTACK_VOLUME_DIR="$scratch/volume" TMPDIR="$scratch" \
    "$python" -m localstack.runtime.main >"$out/localstack.log" 2>&1 &
  pid=$!
  # (wait reports the SIGTERM as 143; under set -e that would end the trap.)
  trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$scratch"' EXIT
  for i in $(seq 1 240); do
    if "$python" -c 'import sys, urllib.request as u; u.urlopen(sys.argv[1], timeout=1)' "http://127.0.0.1:$port/_localstack/health" 2>/dev/null; then break; fi
    if ! kill -0 $pid 2>/dev/null || [ "$i" = 240 ]; then
      echo "conform-localstack: LocalStack $version did not start without Docker here; the end of $out/localstack.log:" >&2
      tail -n 8 "$out/localstack.log" | sed 's/^/    /' >&2
      exit 1
    fi
    sleep 0.5
  done
  status=0
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_SESSION_TOKEN= AWS_PROFILE= AWS_REGION=us-east-1 \
    "$bin" run --endpoint "http://127.0.0.1:$port" --config runner/testdata/fake-fixtures.yaml --out "$out" \
    --name "LocalStack $version" "$@" || status=$?
  exit $status
fi

# localstack-core declares Requires-Python >=3.10, but its code needs 3.13
# (warnings.deprecated, PEP 695 generics): pick the first python3.13+.
python=""
for p in python3.14 python3.13 "$(pyenv root 2>/dev/null)/versions/"3.1[3-9]*/bin/python3 python3; do
  p=$(command -v "$p" 2>/dev/null || true)
  if [ -n "$p" ] && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null; then python=$p; break; fi
done
if [ -z "$python" ]; then
  echo "conform-localstack: LocalStack $version needs Python 3.13 or later, and none is on PATH or in pyenv" >&2
  exit 1
fi

if [ ! -f "$dir/.installed" ]; then
  echo "conform-localstack: installing localstack-core[runtime]==$version into $dir (once)"
  rm -rf "$dir"
  # localstack-core's own requirements are too loose for it to start: the
  # newest cbor2 lacks cbor2._decoder, the newest pyOpenSSL X509.add_extensions
  # (and needs the newest cryptography), and Twisted's TLS wants
  # service_identity. These versions were found to start it.
  if ! "$python" -m pip install --quiet --disable-pip-version-check --target "$dir" "localstack-core[runtime]==$version" \
    cbor2==5.6.5 pyopenssl==24.2.1 cryptography==43.0.3 service-identity==24.2.0 pyasn1-modules==0.4.1 >"$out/pip.log" 2>&1; then
    echo "conform-localstack: pip could not install localstack-core[runtime]==$version; see $out/pip.log" >&2
    exit 1
  fi
  touch "$dir/.installed"
fi

command -v unshare >/dev/null || { echo "conform-localstack: unshare (util-linux) is not on PATH" >&2; exit 1; }
if ! unshare -rn --pid --fork true 2>/dev/null; then
  echo "conform-localstack: this machine does not allow unprivileged network namespaces (unshare -rn --pid --fork true failed);" >&2
  echo "LocalStack listens on every interface, so it is not started outside one" >&2
  exit 1
fi
exec unshare -rn --pid --fork --kill-child env KMSCONFORM_IN_NETNS=1 KMSCONFORM_PYTHON="$python" \
  bash "$0" "$bin" "$out" "$version" "$dir" "$@"
