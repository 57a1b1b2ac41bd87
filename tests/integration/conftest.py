"""Fixtures of the TagoIO forwarding tests: a real local TagoIO on a free port, and the stack wired to it."""

from __future__ import annotations

import pytest
from inlet_cli.local_tagoio.server import LocalTagoIO

from tests.tagoio_harness import TagoStack, forget_delivery_containers


@pytest.fixture
def tagoio():
    with LocalTagoIO() as server:
        yield server
    forget_delivery_containers()


@pytest.fixture
def stack(moto_aws, tagoio, monkeypatch) -> TagoStack:
    return TagoStack(tagoio, moto_aws, monkeypatch)
