#!/usr/bin/env python3
"""kmsconform driver for boto3: reads one KMS call as JSON on stdin, prints its outcome as JSON.

See clients/README.md for the contract. Credentials, proxy (HTTPS_PROXY) and CA
bundle (AWS_CA_BUNDLE) come from the standard environment variables, exactly
as for any boto3 program.
"""

import os
import sys
import time

sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import boto3  # noqa: E402
import botocore  # noqa: E402
import botocore.config  # noqa: E402
import botocore.exceptions  # noqa: E402
from botocore import xform_name  # noqa: E402

from kmsjson import UsageError, decode_blobs, read_request, to_wire, write_outcome  # noqa: E402


def client_config(req):
    retry = req.get("retry") or {}
    retries = {}
    if "mode" in retry:
        retries["mode"] = retry["mode"]
    if "maxAttempts" in retry:
        # botocore's "max_attempts" counts retries; "total_max_attempts" counts every attempt, like the contract.
        retries["total_max_attempts"] = int(retry["maxAttempts"])
    settings = {"retries": retries} if retries else {}
    if req.get("timeoutMs"):
        seconds = float(req["timeoutMs"]) / 1000
        settings["read_timeout"] = settings["connect_timeout"] = seconds
    return botocore.config.Config(**settings) if settings else None


def attempts_of(response):
    retries = (response or {}).get("ResponseMetadata", {}).get("RetryAttempts")
    return None if retries is None else retries + 1


def call(req):
    session = boto3.session.Session(region_name=req.get("region") or None)
    client = session.client("kms", endpoint_url=req.get("endpoint") or None, config=client_config(req))
    operation = req["operation"]
    if operation not in client.meta.service_model.operation_names:
        raise UsageError(f"unknown KMS operation {operation!r}")
    input_shape = client.meta.service_model.operation_model(operation).input_shape
    params = decode_blobs(input_shape, req.get("input") or {})
    method = getattr(client, xform_name(operation))

    start = time.monotonic()
    try:
        response = method(**params)
    except botocore.exceptions.ClientError as e:
        meta = e.response.get("ResponseMetadata", {})
        err = e.response.get("Error", {})
        error = {"code": err.get("Code", ""), "message": err.get("Message", "")}
        if meta.get("HTTPStatusCode") is not None:
            error["httpStatus"] = meta["HTTPStatusCode"]
        outcome = {"ok": False, "error": error}
        attempts = attempts_of(e.response)
    except (botocore.exceptions.BotoCoreError, ValueError) as e:
        # Connection failures and client-side validation: the client's own verdict, not a KMS response.
        outcome = {"ok": False, "error": {"code": type(e).__name__, "message": str(e)}}
        attempts = None
    else:
        attempts = attempts_of(response)
        output = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        outcome = {"ok": True, "output": to_wire(output)}
    outcome["durationMs"] = round((time.monotonic() - start) * 1000, 3)
    if attempts is not None:
        outcome["attempts"] = attempts
    outcome["client"] = {"name": "boto3", "version": boto3.__version__, "botocore": botocore.__version__}
    return outcome


def main():
    try:
        req = read_request(sys.stdin)
        outcome = call(req)
    except UsageError as e:
        print(f"boto3_driver: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # the driver could not run the call at all (e.g. no region): no outcome
        print(f"boto3_driver: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    write_outcome(outcome)
    return 0


if __name__ == "__main__":
    sys.exit(main())
