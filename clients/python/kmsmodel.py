"""The KMS service model that botocore ships, read without importing botocore.

The CLI driver only walks the model (operation names, blob and timestamp
members); importing botocore for that cost a tenth of a second of CPU per
call, more than the rest of the driver. This module reads the same
service-2.json(.gz) from botocore's data directory, and offers the few parts
of botocore's model API the driver and kmsjson use.
"""

import gzip
import importlib.util
import json
import os
import re


class Shape:
    """A shape of the model: type_name, and members / member / value by kind, as in botocore."""

    def __init__(self, shapes, name):
        self._shapes = shapes
        self.name = name
        self._definition = shapes[name]
        self.type_name = self._definition["type"]

    def _shape(self, ref):
        return Shape(self._shapes, ref["shape"])

    @property
    def members(self):
        return {name: self._shape(ref) for name, ref in self._definition.get("members", {}).items()}

    @property
    def member(self):
        return self._shape(self._definition["member"])

    @property
    def value(self):
        return self._shape(self._definition["value"])


class OperationModel:
    def __init__(self, shapes, definition):
        self.input_shape = Shape(shapes, definition["input"]["shape"]) if "input" in definition else None
        self.output_shape = Shape(shapes, definition["output"]["shape"]) if "output" in definition else None


class ServiceModel:
    def __init__(self, document):
        self._shapes = document["shapes"]
        self._operations = document["operations"]
        self.operation_names = sorted(self._operations)

    def operation_model(self, name):
        return OperationModel(self._shapes, self._operations[name])


def load(service="kms"):
    """Returns the newest API version of service's model in the installed botocore."""
    spec = importlib.util.find_spec("botocore")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("botocore is not installed")
    root = os.path.join(list(spec.submodule_search_locations)[0], "data", service)
    version = max(os.listdir(root))  # API versions are dates, YYYY-MM-DD
    path = os.path.join(root, version, "service-2.json")
    if os.path.exists(path):
        with open(path, "rb") as f:
            return ServiceModel(json.load(f))
    with gzip.open(path + ".gz", "rb") as f:
        return ServiceModel(json.load(f))


_FIRST_CAP = re.compile("(.)([A-Z][a-z]+)")
_END_CAP = re.compile("([a-z0-9])([A-Z])")
_PLURAL_ACRONYM = re.compile("[A-Z]{2,}s$")


def cli_name(name, sep="-"):
    """CamelCase to the CLI's kebab-case, the way botocore's xform_name does it:
    DescribeKey -> describe-key, ReEncrypt -> re-encrypt, ListGrantARNs -> list-grant-arns."""
    if sep in name:
        return name
    plural = _PLURAL_ACRONYM.search(name)
    if plural:
        name = f"{name[: -len(plural.group())]}{sep}{plural.group().lower()}"
    name = _FIRST_CAP.sub(r"\1" + sep + r"\2", name)
    return _END_CAP.sub(r"\1" + sep + r"\2", name).lower()
