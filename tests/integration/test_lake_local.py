"""The documented example queries, unchanged, on the local engine (DuckDB over Parquet in the lake's layout)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from inlet_cli.errors import CliError
from inlet_cli.lake.examples import EXAMPLES
from inlet_cli.lake.local_engine import run_local
from inlet_cli.lake.local_lake import LocalLake
from inlet_cli.lake.results import Answer, render
from inlet_cli.lake.tenant_sql import restricted

from tests.lake_data import FAILING, QUIET, SENSOR, example_rows

pytestmark = pytest.mark.integration
DOCS = __import__("pathlib").Path(__file__).parents[2] / "docs" / "lake.md"


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    root = tmp_path_factory.mktemp("lake")
    rows = example_rows()
    LocalLake(root).write_rows(rows[:10])  # two flushes: a partition may hold several files
    LocalLake(root).write_rows(rows[10:])
    return root


def query(lake, sql, tenant="acme"):
    answer = run_local(sql, tenant, lake)
    return [dict(zip(answer.columns, row, strict=True)) for row in answer.rows]


def test_the_files_are_in_firehose_layout(lake):
    days = sorted(p.name for p in (lake / "uplinks" / "tenant=acme").iterdir())
    assert days[:7] == [f"day=2025-06-0{d}" for d in range(1, 8)]
    assert list((lake / "device_events" / "tenant=acme").glob("day=*/*.parquet"))  # device events beside, not mixed


def test_daily_stats(lake):
    rows = query(lake, EXAMPLES["daily-stats"][1])
    week = [r for r in rows if r["day"].startswith("2025-06-0")]
    got = [(r["day"], r["uplinks"], r["mean_temperature"], r["min_temperature"], r["max_temperature"]) for r in week]
    assert got == [(f"2025-06-0{d + 1}", 2, 15.0 + d, 10.0 + d, 20.0 + d) for d in range(7)]
    assert {r["serial"] for r in rows} == {SENSOR}  # the devices without a temperature are not guessed at
    assert all(r["max_temperature"] != 99.0 for r in rows)  # another tenant's row never counts


def test_silent_devices(lake):
    rows = query(lake, EXAMPLES["silent-devices"][1])
    assert [r["serial"] for r in rows] == [QUIET]


def test_per_gateway(lake):
    rows = query(lake, EXAMPLES["per-gateway"][1])
    assert [(r["gateway"], r["uplinks"], r["devices"]) for r in rows] == [
        ("gw-a", 17, 2), ("gw-b", 7, 1), ("gw-c", 1, 1)
    ]  # fmt: skip


def test_device_range(lake):
    rows = query(lake, EXAMPLES["device-range"][1])
    assert len(rows) == 14 and [r["frame_counter"] for r in rows][:4] == [0, 1, 3, 4]
    assert json.loads(rows[0]["decoded_json"]) == {"temperature": 10.0, "humidity": 40}
    assert rows[0]["time"] == datetime(2025, 6, 1, 5, 59, 59)  # UTC, no zone: as Athena's timestamp


def test_decode_failures(lake):
    rows = query(lake, EXAMPLES["decode-failures"][1])
    assert [(r["serial"], r["decoder"], r["failures"], r["one_reason"]) for r in rows] == [
        (FAILING, "broken@2", 2, "TypeError: bad")
    ]


def test_frame_loss(lake):
    rows = {r["serial"]: r for r in query(lake, EXAMPLES["frame-loss"][1])}
    assert (rows[SENSOR]["received"], rows[SENSOR]["expected"]) == (15, 101)


def test_device_events_are_their_own_table(lake):
    rows = query(lake, "SELECT serial, event FROM device_events")
    assert rows == [{"serial": FAILING, "event": "status"}]


def test_every_example_is_in_the_docs_as_it_runs():
    text = DOCS.read_text()
    for sql in (sql for _, sql in EXAMPLES.values()):
        assert sql in text


def test_map_subscripts_are_guarded_for_athena():
    """Trino fails on ``decoded['x']`` for a row without x: every example limits its rows first (or uses try)."""
    for name, (_, sql) in EXAMPLES.items():
        for key in {part.split("']")[0] for part in sql.split("decoded['")[1:]}:
            assert f"contains(map_keys(decoded), '{key}')" in sql or f"try(decoded['{key}'])" in sql, name


def test_a_tenant_without_files_gets_empty_tables(lake):
    assert query(lake, EXAMPLES["daily-stats"][1], tenant="nobody") == []


def test_the_query_may_bring_its_own_with_clause(lake):
    sql = "-- a comment first\nWITH hot AS (SELECT serial FROM uplinks WHERE decoded['temperature'] > 25)\n"
    sql += "SELECT count(*) AS n FROM hot;"
    assert query(lake, sql) == [{"n": 2}]  # 26.0 on 2025-06-07 and 30.0 lately


def test_tenant_names_cannot_break_out_of_the_quotes():
    with pytest.raises(CliError):
        restricted("SELECT 1", "x' OR '1'='1", {"uplinks": "t"})


def test_a_bad_query_is_one_clear_error(lake):
    with pytest.raises(CliError, match="DuckDB"):
        run_local("SELECT nope FROM uplinks", "acme", lake)


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl"])
def test_every_output_format(fmt):
    answer = Answer(["serial", "at", "decoded"], [["A", datetime(2026, 1, 2, tzinfo=UTC), {"t": 1.0}], ["B", None, {}]])
    text = render(answer, fmt)
    assert "A" in text and "B" in text
    if fmt == "json":
        assert json.loads(text)[0] == {"serial": "A", "at": "2026-01-02T00:00:00.000+00:00", "decoded": {"t": 1.0}}
    if fmt == "jsonl":
        assert [json.loads(line)["serial"] for line in text.splitlines()] == ["A", "B"]
    if fmt == "csv":
        assert text.splitlines()[0] == "serial,at,decoded"


def test_the_command_runs_an_example_on_the_local_lake(tmp_path, monkeypatch, capsys):
    from inlet_cli.main import main

    monkeypatch.setenv("INLET_STATE_DIR", str(tmp_path))
    LocalLake(tmp_path / "lake").write_rows(example_rows())
    assert main(["query", "--example", "decode-failures", "--tenant", "acme", "--local", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert [r["serial"] for r in json.loads(out)] == [FAILING]
    assert "1 row" in err
    assert main(["query", "SELECT 1 AS one", "--tenant", "acme"]) == 1  # no --local nor --stack: said so
    assert "--local" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_example_read_as_trino_by_an_independent_parser_gives_the_same_rows(lake, name):
    """sqlglot (its own Trino grammar and Trino-to-DuckDB translation) parses the example as Athena's dialect; the
    translation it makes gives the rows the text gives as it is: the text means the same in both dialects."""
    import sqlglot

    sql = EXAMPLES[name][1]
    sqlglot.parse_one(sql, read="trino")  # raises on what is not Trino syntax
    translated = sqlglot.transpile(sql, read="trino", write="duckdb")[0]
    assert run_local(translated, "acme", lake).rows == run_local(sql, "acme", lake).rows


def test_the_local_stack_buffers_rows_into_few_files_as_firehose_does(tmp_path):
    from inlet_cli.lake.local_lake import BufferedLake

    buffered = BufferedLake(LocalLake(tmp_path), interval=3600)  # no timed flush during the test
    rows = example_rows()
    for row in rows:  # one delivery at a time, as the local delivery path sends them
        buffered.write_rows([row])
    assert not list(tmp_path.rglob("*.parquet"))
    buffered.close()
    partitions = {(r["table"], r["tenant"], r["day"]) for r in rows}
    assert len(list(tmp_path.rglob("*.parquet"))) == len(partitions)  # one file per partition, not per row
    assert run_local("SELECT count(*) FROM uplinks", "acme", tmp_path).rows == [[len(
        [r for r in rows if r["tenant"] == "acme" and r["table"] == "uplinks"])]]  # fmt: skip


def test_every_sql_block_of_the_page_is_an_example_and_parses_as_trino():
    """The page's SQL, as a reader copies it (not the code's copy): each block parses with sqlglot's Trino grammar
    (Athena's engine version 3 is Trino) and is one of the examples the other tests run."""
    import re

    import sqlglot

    blocks = re.findall(r"```sql\n(.*?)```", DOCS.read_text(), flags=re.S)
    assert len(blocks) >= 5
    for block in blocks:
        [statement] = sqlglot.parse(block.strip().rstrip(";"), read="trino")
        assert statement is not None
        assert block.strip().rstrip(";") in {sql for _, sql in EXAMPLES.values()}
