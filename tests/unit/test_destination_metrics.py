"""The delivery function's per-destination metrics: one EMF line per destination (dimension destination =
<tenant>/<name>), parsed as CloudWatch parses it (the ``_aws`` block names the metrics and their dimensions)."""

from __future__ import annotations

import importlib.util
import json
import pathlib
import time

import pytest
from inlet.destinations import DELIVERED, REFUSED, RETRY, Answer
from inlet.service.destination_delivery import Queued, Settled

pytestmark = pytest.mark.unit

APP = pathlib.Path(__file__).resolve().parents[2] / "functions" / "destinations" / "app.py"


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Inlet/test")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "inlet")
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    spec = importlib.util.spec_from_file_location("destinations_app_under_test", APP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def settled(n: int, tenant: str, name: str, status: str, queued_s_ago: float = 0.0) -> Settled:
    message = Queued(str(n), f"r{n}", "{}", 1, time.time() - queued_s_ago)
    return Settled(message, tenant, name, Answer(status, "" if status == DELIVERED else "http_500"), kind="webhook")


def emf_lines(text: str) -> list[dict]:
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    return [line for line in lines if "_aws" in line and "destination" in line]


def values(line: dict) -> dict:
    """EMF allows a metric's value as a number or a list of numbers (Powertools writes lists)."""
    return {k: (sum(v) if isinstance(v, list) and k != "_aws" else v) for k, v in line.items()}


def test_each_destination_gets_its_own_line_of_deliveries_failures_dead_letters_and_age(app, capsys):
    app._count_by_destination([
        settled(1, "acme", "crm", DELIVERED), settled(2, "acme", "crm", DELIVERED),
        settled(3, "acme", "crm", RETRY, queued_s_ago=120), settled(4, "acme", "crm", RETRY, queued_s_ago=30),
        settled(5, "beta", "crm", REFUSED, queued_s_ago=90_000),
    ])  # fmt: skip
    lines = {line["destination"]: values(line) for line in emf_lines(capsys.readouterr().out)}
    assert set(lines) == {"acme/crm", "beta/crm"}  # same name, other tenant: another metric
    acme, beta = lines["acme/crm"], lines["beta/crm"]
    assert (acme["DestinationDelivered"], acme["DestinationFailed"], acme["DestinationDeadLettered"]) == (2, 2, 0)
    assert 119 <= acme["DestinationOldestUndeliveredAge"] < 130
    assert (beta["DestinationDelivered"], beta["DestinationFailed"], beta["DestinationDeadLettered"]) == (0, 1, 1)
    assert "DestinationOldestUndeliveredAge" not in beta  # dead-lettered: no longer waiting
    block = acme["_aws"]["CloudWatchMetrics"][0]
    assert block["Namespace"] == "Inlet/test"
    assert sorted(block["Dimensions"][0]) == ["destination", "service"]
    assert acme["service"] == "inlet"
    units = {m["Name"]: m["Unit"] for m in block["Metrics"]}
    assert units["DestinationOldestUndeliveredAge"] == "Seconds" and units["DestinationFailed"] == "Count"


def test_no_url_nor_secret_reaches_the_metric_lines(app, capsys):
    app._count_by_destination([settled(1, "acme", "hook", RETRY)])
    out = capsys.readouterr().out
    assert "http" not in out.replace("http_500", "") and "secret" not in out
    assert [line["destination"] for line in emf_lines(out)] == ["acme/hook"]


def test_the_local_stack_switch_silences_them(app, capsys, monkeypatch):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    app._count_by_destination([settled(1, "acme", "crm", DELIVERED)])
    assert emf_lines(capsys.readouterr().out) == []
