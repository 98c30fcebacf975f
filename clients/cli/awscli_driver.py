#!/usr/bin/env python3
"""kmsconform driver for the AWS CLI (v1 or v2): reads one KMS call as JSON on stdin, prints its outcome as JSON.

Usage: awscli_driver.py [--aws PATH]   (default: $KMSCONFORM_AWS, else `aws` on PATH)

See clients/README.md for the contract. The call becomes
`aws kms <operation-in-kebab-case> --cli-input-json ...`; credentials, proxy and
CA bundle come from the standard environment variables, as for any CLI user.
The CLI is run with --debug so that its log tells how many HTTP attempts it
made and what status the last one got; that log holds signed headers and
request bodies, so it is parsed here and never printed.
"""

import argparse
import datetime
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import kmsmodel  # noqa: E402
from kmsjson import UsageError, b64decode, blob_paths, read_request, timestamps_to_epoch, write_outcome  # noqa: E402

DEBUG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ - ")
VERSION = re.compile(r"CLI version: aws-cli/(\S+)")
SENDING = re.compile(r" - botocore\.endpoint - DEBUG - Sending http request: ")
STATUS = re.compile(r' - urllib3\.connectionpool - DEBUG - .*"POST \S* HTTP/1\.1" (\d{3}) ')
SERVICE_ERROR = re.compile(
    r"An error occurred \(([^)]*)\) when calling the \w+ operation(?: \([^)]*\))?: ?(.*)$"
)
TRACEBACK_ERROR = re.compile(r"^(?:[a-z_][\w]*\.)+([A-Z]\w*(?:Error|Exception)): (.*)$")


def build_command(aws, req, model, tmpdir):
    """Returns the argv for the call; top-level blobs go through fileb:// so both CLI majors read raw bytes."""
    operation = req["operation"]
    if operation not in model.operation_names:
        raise UsageError(f"unknown KMS operation {operation!r}")
    cli_input = dict(req.get("input") or {})
    argv = [aws, "kms", kmsmodel.cli_name(operation)]
    for path in blob_paths(model.operation_model(operation).input_shape):
        if len(path) != 1 or path[0] not in cli_input:
            continue  # nested blobs stay base64 in the JSON: right for CLI v2, raw text for v1
        name = path[0]
        data = b64decode(cli_input.pop(name))
        blob_file = os.path.join(tmpdir, name)
        with open(blob_file, "wb") as f:
            f.write(data)
        argv += [f"--{kmsmodel.cli_name(name)}", f"fileb://{blob_file}"]
    argv += ["--cli-input-json", json.dumps(cli_input), "--output", "json", "--debug"]
    if req.get("region"):
        argv += ["--region", req["region"]]
    if req.get("endpoint"):
        argv += ["--endpoint-url", req["endpoint"]]
    if req.get("timeoutMs"):
        # The CLI takes whole seconds: round up, and at least 1 (0 would mean no timeout at all).
        seconds = str(max(1, math.ceil(float(req["timeoutMs"]) / 1000)))
        argv += ["--cli-read-timeout", seconds, "--cli-connect-timeout", seconds]
    return argv


def child_env(req):
    env = dict(os.environ)
    # v1 rejects --no-cli-pager; an empty AWS_PAGER turns the v2 pager off and is ignored by v1.
    env["AWS_PAGER"] = ""
    retry = req.get("retry") or {}
    if "mode" in retry:
        env["AWS_RETRY_MODE"] = str(retry["mode"])
    if "maxAttempts" in retry:
        env["AWS_MAX_ATTEMPTS"] = str(int(retry["maxAttempts"]))
    return env


def parse_timestamp(text):
    """A timestamp as the CLI prints it: ISO 8601, or epoch seconds with cli_timestamp_format = none."""
    try:
        return datetime.datetime.fromtimestamp(float(text), tz=datetime.timezone.utc)
    except ValueError:
        return datetime.datetime.fromisoformat(text)


def parse_error(stderr_lines):
    """Returns (code, message) of the CLI's failure: a KMS error from its final message, else the
    exception class from the logged traceback with the CLI's own (non-debug) words as message."""
    for line in reversed(stderr_lines):
        m = SERVICE_ERROR.search(line)
        if m:
            return m.group(1), m.group(2)
    # The CLI prints its own message last, after the logged traceback (v2 puts a blank line between).
    last_exc = max((i for i, line in enumerate(stderr_lines) if TRACEBACK_ERROR.match(line)), default=-1)
    if last_exc < 0:
        return None
    blank = max((i for i, line in enumerate(stderr_lines) if not line.strip()), default=-1)
    own_words = " ".join(line.strip() for line in stderr_lines[max(blank, last_exc) + 1 :] if line.strip())
    m = TRACEBACK_ERROR.match(stderr_lines[last_exc])
    return m.group(1), own_words or m.group(2)


def call(aws, req):
    model = kmsmodel.load("kms")
    with tempfile.TemporaryDirectory(prefix="kmsconform-cli-") as tmpdir:
        argv = build_command(aws, req, model, tmpdir)
        start = time.monotonic()
        try:
            proc = subprocess.run(argv, env=child_env(req), capture_output=True, text=True, stdin=subprocess.DEVNULL)
        except OSError as e:
            raise RuntimeError(f"cannot run {aws}: {e}") from e
        duration = time.monotonic() - start

    lines = proc.stderr.splitlines()
    version = next((m.group(1) for m in map(VERSION.search, lines) if m), None)
    attempts = sum(1 for line in lines if SENDING.search(line))
    statuses = [m.group(1) for m in map(STATUS.search, lines) if m]

    if proc.returncode == 0:
        output = json.loads(proc.stdout) if proc.stdout.strip() else {}
        output_shape = model.operation_model(req["operation"]).output_shape
        outcome = {"ok": True, "output": timestamps_to_epoch(output_shape, output, parse_timestamp)}
    else:
        parsed = parse_error(lines)
        if parsed is None:
            # Not a client verdict (e.g. a usage error): show the CLI's own words, never its debug log.
            words = [line for line in lines if line.strip() and not DEBUG_LINE.match(line)][-3:]
            raise RuntimeError(f"{aws} exited {proc.returncode}: " + " | ".join(words))
        error = {"code": parsed[0], "message": parsed[1]}
        if statuses:
            error["httpStatus"] = int(statuses[-1])
        outcome = {"ok": False, "error": error}
    outcome["durationMs"] = round(duration * 1000, 3)
    outcome["attempts"] = attempts
    outcome["client"] = {"name": "aws-cli", "version": version, "path": aws}
    return outcome


def main():
    parser = argparse.ArgumentParser(description="Run one KMS call (JSON on stdin) with the AWS CLI.")
    parser.add_argument("--aws", default=os.environ.get("KMSCONFORM_AWS", "aws"), help="AWS CLI binary to run")
    args = parser.parse_args()
    try:
        req = read_request(sys.stdin)
        outcome = call(args.aws, req)
    except UsageError as e:
        print(f"awscli_driver: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # the driver could not run the call at all: no outcome
        print(f"awscli_driver: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    write_outcome(outcome)
    return 0


if __name__ == "__main__":
    sys.exit(main())
