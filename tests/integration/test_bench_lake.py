"""The lake's benchmark at a smoke size (the full run is `make bench`): every figure comes out, and what is
deterministic holds (Parquet is far smaller than the Records table's items; the query sees every device-day)."""

from __future__ import annotations

import pytest

from bench import lake

pytestmark = pytest.mark.integration


def test_the_lake_figures_at_a_smoke_size():
    figures = lake.measure(200, 2_000)
    tts = figures["tts"]
    assert 0 < tts["parquet_bytes_per_uplink"] < tts["records_table_bytes_per_uplink"]
    assert figures["query_local"]["result_rows"] > 0  # the daily statistics found the generated devices
    assert figures["athena_10m"]["per-gateway"]["columns"] == ["serial", "rssi", "gateways"]
    assert figures["cost_per_million"]["firehose_usd"] > 0
    assert len(lake.lines(figures)) == 3 + len(figures["athena_10m"])
