"""A device's parameters (TagoIO's ``device.params``): named text values a payload parser reads, such as a
calibration offset or a sensor's range, set per device when it is added."""

from __future__ import annotations

import re

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
MAX_VALUE_CHARS = 1024
MAX_PARAMS = 50


def parse_params(assignments: list[str]) -> dict[str, str]:
    """``["offset=0.5", "unit=C"]`` as ``{"offset": "0.5", "unit": "C"}``; ValueError saying which one is wrong."""
    params: dict[str, str] = {}
    for assignment in assignments:
        name, equals, value = assignment.partition("=")
        name = name.strip()
        if not equals or not NAME_PATTERN.match(name):
            raise ValueError(f"parameter {assignment!r} is not NAME=VALUE (NAME: 1-64 of letters, digits, _ . -)")
        if len(value) > MAX_VALUE_CHARS:
            raise ValueError(f"parameter {name}'s value is {len(value)} characters, the limit is {MAX_VALUE_CHARS}")
        if name in params:
            raise ValueError(f"parameter {name} is given twice")
        params[name] = value
    if len(params) > MAX_PARAMS:
        raise ValueError(f"{len(params)} parameters, the limit is {MAX_PARAMS}")
    return params


def parse_param_list(text: str) -> dict[str, str]:
    """The CSV column's form: ``offset=0.5;unit=C`` (empty: no parameters)."""
    return parse_params([part for part in text.split(";") if part.strip()]) if text.strip() else {}
