"""Conversions between the driver contract's JSON and what botocore-based clients take and give.

The contract writes KMS members as the awsJson1_1 wire does: blobs are base64
strings and timestamps are epoch seconds. botocore wants bytes for blobs and
returns bytes and datetimes, and the AWS CLI prints timestamps as ISO 8601.
"""

import base64
import datetime
import json
import sys


def decode_blobs(shape, value):
    """Returns value with every blob member (per the botocore shape) decoded from base64 to bytes."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "blob" and isinstance(value, str):
        return b64decode(value)
    if kind == "structure" and isinstance(value, dict):
        return {k: decode_blobs(shape.members.get(k), v) for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [decode_blobs(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: decode_blobs(shape.value, v) for k, v in value.items()}
    return value


def b64decode(text):
    """Decodes a blob member; a request with invalid base64 is one the driver cannot run."""
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as e:
        raise UsageError(f"blob member is not base64: {e}") from e


def blob_paths(shape, prefix=()):
    """Yields the member paths of every blob reachable from shape without crossing a list or map."""
    if shape is None or shape.type_name != "structure":
        return
    for name, member in shape.members.items():
        if member.type_name == "blob":
            yield prefix + (name,)
        elif member.type_name == "structure":
            yield from blob_paths(member, prefix + (name,))


def to_wire(value):
    """Returns value with bytes as base64 strings and datetimes as epoch seconds."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_wire(v) for v in value]
    return value


def timestamps_to_epoch(shape, value, parse):
    """Returns value with every timestamp member (per the shape) parsed by parse and made epoch seconds."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "timestamp" and isinstance(value, str):
        return to_wire(parse(value))
    if kind == "structure" and isinstance(value, dict):
        return {k: timestamps_to_epoch(shape.members.get(k), v, parse) for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [timestamps_to_epoch(shape.member, v, parse) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: timestamps_to_epoch(shape.value, v, parse) for k, v in value.items()}
    return value


class UsageError(Exception):
    """The driver was given something it cannot run: exit 2, no outcome."""


def read_request(stream):
    """Reads and checks one contract request from stream."""
    try:
        req = json.load(stream)
    except ValueError as e:
        raise UsageError(f"stdin is not JSON: {e}") from e
    if not isinstance(req, dict) or not isinstance(req.get("operation"), str) or not req["operation"]:
        raise UsageError('request needs "operation" (a KMS operation name such as "DescribeKey")')
    if not isinstance(req.get("input", {}), dict):
        raise UsageError('"input" must be a JSON object of KMS request members')
    retry = req.get("retry")
    if retry is not None and not isinstance(retry, dict):
        raise UsageError('"retry" must be an object like {"mode":"standard","maxAttempts":3}')
    return req


def write_outcome(outcome):
    json.dump(outcome, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
    sys.stdout.flush()
