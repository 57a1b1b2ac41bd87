"""``inlet records redecode``: stored uplinks decoded again by a fixed version, the same records updated in place,
paced, resumable after an interruption, and ``--dry-run`` writing nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from inlet.adapters.aws import client
from inlet.adapters.connectors import ConnectorStore
from inlet_cli.local import env as local_env
from inlet_cli.main import main
from inlet_cli.redecode import run as redecode_run
from inlet_cli.redecode import stored
from inlet_cli.redecode.pacing import Pacer

from tests.cli_runs import error_of, run_json
from tests.helpers import http_event, invoke

pytestmark = pytest.mark.integration

# version 1 reads the temperature as unsigned and fails on a short payload; version 2 is the fixed codec
BUGGY = """function decodeUplink(input) {
  if (input.bytes.length < 2) return { errors: ["too short"] };
  return { data: { celsius: ((input.bytes[0] << 8) | input.bytes[1]) / 10 } };
}"""
FIXED = """function decodeUplink(input) {
  var raw = input.bytes.length < 2 ? input.bytes[0] : ((input.bytes[0] << 8) | input.bytes[1]);
  if (raw > 0x7fff) raw -= 0x10000;
  return { data: { celsius: raw / 10 } };
}"""
PAYLOADS = ["00fa", "ff9c", "0a", "0100", "fff6"]  # 25.0, -10.0, (1.0), 25.6, -1.0


@pytest.fixture
def stored_uplinks(seeded, capsys):
    store = ConnectorStore(local_env.TABLES["ConnectorsTable"], dynamodb=client("dynamodb"))
    store.add("redecode-thermo", "ts013", BUGGY, "")
    store.add("redecode-thermo", "ts013", FIXED, "")
    assert main(["devices", "add", "RED-1", "--tenant", "demo", "--connector", "redecode-thermo@1"]) == 0
    now = datetime.now(UTC)
    for minutes, payload in enumerate(PAYLOADS):
        sent = (now - timedelta(minutes=10 - minutes)).isoformat(timespec="seconds").replace("+00:00", "Z")
        assert invoke(http_event({"serial": "RED-1", "payload": payload, "port": 1, "time": sent}))[0] == 200
    capsys.readouterr()
    return seeded


def decoded(deps) -> list:
    records = sorted(deps.records.latest("demo", "RED-1", 20), key=lambda r: r["sk"])
    return [(r.get("decoded") or {}).get("celsius", "failed" if "decode_failed" in r["flags"] else None)
            for r in records]  # fmt: skip


def test_redecode_updates_the_same_records_with_the_fixed_version(stored_uplinks, capsys):
    assert decoded(stored_uplinks) == [25.0, 6543.6, "failed", 25.6, 6552.6]
    dry = run_json(capsys, "records", "redecode", "RED-1", "--tenant", "demo", "--since", "1h",
                   "--connector", "redecode-thermo@2", "--dry-run")  # fmt: skip
    assert (dry["records"], dry["changed"], dry["unchanged"], dry["fixed"], dry["written"]) == (5, 3, 2, 1, 0)
    assert dry["examples"][0]["before"] == {"celsius": 6543.6} and dry["examples"][0]["after"] == {"celsius": -10.0}
    assert decoded(stored_uplinks)[1] == 6543.6  # nothing written
    done = run_json(capsys, "records", "redecode", "RED-1", "--tenant", "demo", "--since", "1h",
                    "--connector", "redecode-thermo@2")  # fmt: skip
    assert (done["records"], done["written"], done["resumed"]) == (5, 5, False)
    assert decoded(stored_uplinks) == [25.0, -10.0, 1.0, 25.6, -1.0]  # the same five records, no new one
    [latest] = stored_uplinks.records.latest("demo", "RED-1", 1)
    assert latest["decoder"]["connector"] == "redecode-thermo@2"
    assert latest["decoder"]["previous"] == {"connector": "redecode-thermo@1", "errors": []}
    assert "redecoded_at" in latest["decoder"] and latest["payload"] == "fff6"


def test_redecode_goes_on_after_an_interruption(stored_uplinks, capsys, monkeypatch):
    monkeypatch.setattr(stored, "PAGE_ITEMS", 2)  # a checkpoint every two records
    written = []
    real_write = redecode_run.Run.write

    def write_then_stop(self, item, record):
        if len(written) == 3:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the second page
        written.append(record["id"])
        real_write(self, item, record)

    monkeypatch.setattr(redecode_run.Run, "write", write_then_stop)
    argv = ["records", "redecode", "RED-1", "--tenant", "demo", "--since", "1h", "--connector", "redecode-thermo@2"]
    assert main(argv) == 130
    monkeypatch.setattr(redecode_run.Run, "write", real_write)
    capsys.readouterr()
    resumed = run_json(capsys, *argv)
    assert resumed["resumed"] is True
    assert resumed["records"] == 3  # the first page (two records) was saved as done
    assert decoded(stored_uplinks) == [25.0, -10.0, 1.0, 25.6, -1.0]
    again = run_json(capsys, *argv)  # finished: the checkpoint is gone, a new run starts over
    assert (again["resumed"], again["records"], again["changed"]) == (False, 5, 0)


def test_redecode_with_each_devices_own_connector_and_refusals(stored_uplinks, capsys):
    assert main(["devices", "update", "RED-1", "--tenant", "demo", "--connector", "redecode-thermo"]) == 0
    capsys.readouterr()
    done = run_json(capsys, "records", "redecode", "--all", "--tenant", "demo", "--since", "1h")
    assert done["changed"] == 3 and any(s["serial"] != "RED-1" for s in done["skipped"])  # generic-sensor devices
    assert "name devices" in error_of(capsys, "records", "redecode", "--tenant", "demo", "--since", "1h")
    assert "does not exist" in error_of(
        capsys, "records", "redecode", "RED-1", "--tenant", "demo", "--since", "1h", "--connector", "nope@3"
    )


def test_the_pacer_keeps_to_its_rate():
    now = [0.0]
    pacer = Pacer(10, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    for _ in range(40):
        pacer.take(1)
    assert 2.9 <= now[0] <= 3.1  # 40 units at 10 a second, the first 10 at once
    pacer.take(50)  # a large item waits for one second's units, never more
    assert now[0] <= 4.1


# inlet connectors diff: the same stored uplinks through two versions, nothing written


def test_diff_reports_keys_uplinks_and_examples_and_exits_1_when_outputs_differ(stored_uplinks, capsys):
    argv = ["connectors", "diff", "redecode-thermo@1", "redecode-thermo@2", "--tenant", "demo", "--since", "1h"]
    report = run_json(capsys, *argv, code=1)
    assert (report["devices"], report["uplinks"], report["differing"]) == (1, 5, 3)
    assert report["keys"] == {
        "(decode_failed)": {"added": 0, "removed": 1, "changed": 0},
        "celsius": {"added": 1, "removed": 0, "changed": 2},
    }
    first = report["examples"][0]
    assert first["changed"] == ["celsius"] and first["values"]["celsius"] == {"a": 6543.6, "b": -10.0}
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert "3 of 5 uplinks of 1 device(s) differ" in out and "celsius: 6543.6 -> -10" in err
    same = run_json(capsys, "connectors", "diff", "redecode-thermo@2", "redecode-thermo@2", "--tenant", "demo",
                    "--since", "1h", "--devices", "RED-1")  # fmt: skip
    assert (same["uplinks"], same["differing"], same["keys"]) == (5, 0, {})
    assert decoded(stored_uplinks)[1] == 6543.6  # nothing written
    assert "no device of tenant demo uses" in error_of(
        capsys, "connectors", "diff", "cayenne-lpp", "redecode-thermo@2", "--tenant", "demo", "--since", "1h"
    )
