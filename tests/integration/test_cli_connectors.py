"""``inlet connectors`` and ``inlet decode`` in-process under moto, and connectors named by devices."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from inlet_cli.main import main

from tests.cli_runs import error_of as _error_of
from tests.cli_runs import run_json
from tests.helpers import http_event, invoke

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).parents[1] / "fixtures" / "ts013" / "vendor"
TS013 = "function decodeUplink(input) { return {data: {celsius: ((input.bytes[0] << 8) | input.bytes[1]) / 100}}; }"
TS013_V2 = "function decodeUplink(input) { return {data: {kelvin: 273.15 + input.bytes[0]}, warnings: ['rough']}; }"
# Returns what it was given, so that a test sees the input list and device.params a TagoIO parser gets.
TAGOIO_ECHO = "payload = payload.concat([{variable: 'params', value: JSON.stringify(device.params)}]);"
TAGOIO = """
const raw = payload.find((r) => r.variable === "payload");
const scale = Number(device.params.find((p) => p.key === "scale").value);
console.log("scale", scale);
payload = [{variable: "temperature", value: Buffer.from(raw.value, "hex").readInt16BE(0) / scale, unit: "C"}];
"""
THROWS = "function decodeUplink(input) { throw new TypeError('bad battery byte ' + input.bytes[0]); }"


def error_of(capsys, *argv: str, code: int = 1) -> str:
    return _error_of(capsys, *argv, code=code, notes_before=True)  # these commands may print notes first


@pytest.fixture
def script(tmp_path):
    def write(source: str, name: str = "codec.js") -> str:
        path = tmp_path / name
        path.write_text(source)
        return str(path)

    return write


# inlet connectors add | list | show


def test_add_stores_numbered_versions_and_show_reads_each(moto_aws, capsys, script):
    first = run_json(capsys, "connectors", "add", "Acme-TH", "--file", script(TS013), "--kind", "ts013")
    assert {k: first[k] for k in ("name", "version", "connector", "kind", "bytes")} == {
        "name": "acme-th",
        "version": 1,
        "connector": "acme-th@1",
        "kind": "ts013",
        "bytes": len(TS013),
    }
    assert main(["connectors", "add", "acme-th", "--file", script(TS013_V2), "--kind", "ts013"]) == 0
    assert "stored acme-th@2 (ts013" in capsys.readouterr().out

    latest = run_json(capsys, "connectors", "show", "acme-th")
    assert (latest["version"], latest["source"]) == (2, TS013_V2)
    assert [v["version"] for v in latest["versions"]] == [1, 2]
    assert run_json(capsys, "connectors", "show", "acme-th@1")["source"] == TS013


def test_show_prints_the_source_alone_on_stdout(moto_aws, capsys, script):
    assert main(["connectors", "add", "acme-th", "--file", script(TS013), "--kind", "ts013"]) == 0
    capsys.readouterr()
    assert main(["connectors", "show", "acme-th@1"]) == 0
    out, err = capsys.readouterr()
    assert out == TS013 + "\n"
    assert "acme-th@1: ts013" in err and "versions: 1" in err


def test_list_shows_builtins_and_the_latest_of_each(moto_aws, capsys, script):
    for name, source in (("acme-th", TS013), ("acme-th", TS013_V2), ("tago-t", TAGOIO)):
        kind = "tagoio" if name.startswith("tago") else "ts013"
        assert main(["connectors", "add", name, "--file", script(source), "--kind", kind]) == 0
    capsys.readouterr()
    listed = run_json(capsys, "connectors", "list")
    assert [(c["connector"], c["kind"]) for c in listed] == [
        ("cayenne-lpp@1", "built-in"),
        ("generic-sensor@1", "built-in"),
        ("acme-th@2", "ts013"),
        ("tago-t@1", "tagoio"),
    ]
    assert main(["connectors", "list"]) == 0
    table = capsys.readouterr().out
    assert "acme-th" in table and "tago-t" in table and "cayenne-lpp" in table


def test_show_of_builtins_and_unknown_connectors(moto_aws, capsys):
    assert run_json(capsys, "connectors", "show", "cayenne-lpp")["kind"] == "built-in"
    assert "only version 1" in error_of(capsys, "connectors", "show", "cayenne-lpp@2")
    assert "connector nope does not exist" in error_of(capsys, "connectors", "show", "nope")
    assert "must be a positive integer" in error_of(capsys, "connectors", "show", "nope@x")


def test_add_refuses_what_could_not_decode(moto_aws, capsys, script):
    assert "does not compile" in error_of(
        capsys, "connectors", "add", "broken", "--file", script("function decodeUplink( {"), "--kind", "ts013"
    )
    assert "built-in connector" in error_of(
        capsys, "connectors", "add", "cayenne-lpp", "--file", script(TS013), "--kind", "ts013"
    )
    assert "must be 1-64 characters" in error_of(
        capsys, "connectors", "add", "no/slash", "--file", script(TS013), "--kind", "ts013"
    )
    assert "invalid choice: 'lua'" in error_of(
        capsys, "connectors", "add", "acme", "--file", script(TS013), "--kind", "lua", code=2
    )
    assert "is empty" in error_of(capsys, "connectors", "add", "acme", "--file", script("  \n"), "--kind", "ts013")
    assert run_json(capsys, "connectors", "list")[2:] == []  # nothing was stored


# inlet decode


def test_decode_a_ts013_file_needs_no_stack(aws_env, monkeypatch, capsys, script):
    monkeypatch.delenv("CONNECTORS_TABLE")  # no store, no AWS: the script alone
    decoded = run_json(capsys, "decode", "--file", script(TS013), "--kind", "ts013", "--port", "1", "--payload", "0A6F")
    assert {k: decoded[k] for k in ("data", "warnings", "errors")} == {
        "data": {"celsius": 26.71},
        "warnings": [],
        "errors": [],
    }
    assert main(["decode", "--file", script(TS013), "--kind", "ts013", "--port", "1", "--base64", "Cm8="]) == 0
    assert json.loads(capsys.readouterr().out) == {"celsius": 26.71}


def test_decode_a_tagoio_parser_with_its_input_list_and_params(aws_env, capsys, script):
    echoed = run_json(
        capsys, "decode", "--file", script(TAGOIO_ECHO), "--kind", "tagoio", "--port", "5", "--payload", "0A6F",
        "--param", "scale=10", "--param", "unit=C=celsius",
    )  # fmt: skip
    times = {record.pop("time") for record in echoed["payload"][:3]}  # the uplink's time on each input record
    assert len(times) == 1 and times.pop().endswith("Z")
    assert echoed["payload"] == [
        {"variable": "payload", "value": "0A6F"},  # the text as given
        {"variable": "port", "value": 5},
        {"variable": "fport", "value": 5},
        {"variable": "params", "value": '[{"key":"scale","value":"10"},{"key":"unit","value":"C=celsius"}]'},
    ]
    decoded = run_json(capsys, "decode", "--file", script(TAGOIO), "--kind", "tagoio", "--base64", "Cm8=",
                       "--param", "scale=10")  # fmt: skip
    assert decoded["payload"] == [{"variable": "temperature", "value": 267.1, "unit": "C"}]
    assert decoded["logs"] == ["scale 10"] and decoded["errors"] == []


def test_decode_failures_exit_non_zero_with_the_reason(aws_env, capsys, script):
    failed = run_json(
        capsys, "decode", "--file", script(THROWS), "--kind", "ts013", "--port", "1", "--payload", "07", code=1
    )
    assert failed["errors"] == ["script error: TypeError: bad battery byte 7"] and failed["data"] is None
    capsys.readouterr()
    line = error_of(capsys, "decode", "--file", script(THROWS), "--kind", "ts013", "--port", "1", "--payload", "07")
    assert line == "inlet: error: decoding failed: script error: TypeError: bad battery byte 7"
    loops = script("function decodeUplink(input) { for (;;) {} }", "loop.js")
    assert "time limit of 100 ms exceeded" in error_of(
        capsys, "decode", "--file", loops, "--kind", "ts013", "--port", "1", "--payload", "07"
    )
    errors = script("function decodeUplink(input) { return {errors: ['unknown FPort ' + input.fPort]}; }")
    assert "decoding failed: unknown FPort 9" in error_of(
        capsys, "decode", "--file", errors, "--kind", "ts013", "--port", "9", "--payload", "07"
    )


def test_decode_refuses_incomplete_requests(aws_env, capsys, script):
    codec = script(TS013)
    assert "needs --port" in error_of(capsys, "decode", "--file", codec, "--kind", "ts013", "--payload", "0a6f")
    assert main(["decode", "--file", codec, "--port", "1", "--payload", "0a6f"]) == 0  # its kind told from it
    capsys.readouterr()
    assert "not hex" in error_of(capsys, "decode", "--file", codec, "--kind", "ts013", "--port", "1", "--payload", "0g")
    assert "not base64" in error_of(
        capsys, "decode", "--file", codec, "--kind", "ts013", "--port", "1", "--base64", "*"
    )
    assert "--param is for tagoio" in error_of(
        capsys, "decode", "--file", codec, "--kind", "ts013", "--port", "1", "--payload", "0a6f", "--param", "a=b"
    )
    assert "invalid choice" in error_of(
        capsys, "decode", "--file", codec, "--kind", "js", "--port", "1", "--payload", "0a6f", code=2
    )
    assert "does not decode" in error_of(capsys, "decode", "--connector", "generic-sensor", "--payload", "0a6f")
    assert "not a ts013 script" in error_of(
        capsys, "decode", "--file", script(TAGOIO), "--kind", "ts013", "--port", "1", "--payload", "0a6f"
    )


def test_decode_with_stored_and_builtin_connectors(moto_aws, capsys, script):
    for source in (TS013, TS013_V2):
        assert main(["connectors", "add", "acme-th", "--file", script(source), "--kind", "ts013"]) == 0
    capsys.readouterr()
    latest = run_json(capsys, "decode", "--connector", "acme-th", "--port", "1", "--payload", "0a6f")
    assert (latest["connector"], latest["data"], latest["warnings"]) == ("acme-th@2", {"kelvin": 283.15}, ["rough"])
    first = run_json(capsys, "decode", "--connector", "ACME-TH@1", "--port", "1", "--payload", "0a6f")
    assert (first["connector"], first["data"]) == ("acme-th@1", {"celsius": 26.71})
    lpp = run_json(capsys, "decode", "--connector", "cayenne-lpp", "--payload", "036700fa")
    assert lpp["data"] == {"temperature_3": 25.0}
    assert "does not exist" in error_of(capsys, "decode", "--connector", "acme-th@3", "--port", "1", "--payload", "01")
    assert "unknown Cayenne LPP type" in error_of(capsys, "decode", "--connector", "cayenne-lpp", "--payload", "0199")
    assert "--kind goes with --file" in error_of(
        capsys, "decode", "--connector", "acme-th", "--kind", "ts013", "--port", "1", "--payload", "01"
    )


# inlet connectors test


def test_a_corpus_codec_passes_its_vendors_examples(aws_env, capsys):
    report = run_json(capsys, "connectors", "test", str(CORPUS / "browan" / "tbsl100-codec.yaml"))
    assert (report["passed"], report["failed"]) == (2, 0)
    assert [(e["description"], e["passed"], e["differences"]) for e in report["examples"]] == [
        ("Sound level keep alive", True, []),
        ("Unknown FPort", True, []),
    ]
    assert main(["connectors", "test", str(CORPUS / "browan" / "tbsl100-codec.yaml")]) == 0
    out = capsys.readouterr().out
    assert "pass  #1 Sound level keep alive" in out and "2 of 2 examples passed" in out


def test_a_wrong_example_fails_with_the_difference(aws_env, capsys, tmp_path):
    shutil.copy(CORPUS / "browan" / "tbsl100.js", tmp_path / "tbsl100.js")
    description = (CORPUS / "browan" / "tbsl100-codec.yaml").read_text()
    (tmp_path / "wrong.yaml").write_text(description.replace("decibel: 40", "decibel: 41"))
    report = run_json(capsys, "connectors", "test", str(tmp_path / "wrong.yaml"), code=1)
    assert (report["passed"], report["failed"]) == (1, 1)
    assert report["examples"][0]["differences"] == ["output.data.decibel: expected 41, got 40"]
    assert main(["connectors", "test", str(tmp_path / "wrong.yaml")]) == 1
    out, err = capsys.readouterr()
    assert "FAIL  #1 Sound level keep alive" in out and "output.data.decibel: expected 41, got 40" in out
    assert err == "inlet: error: 1 of 2 examples failed\n"


def test_a_description_without_a_decoder_is_refused(aws_env, capsys, tmp_path):
    (tmp_path / "codec.yaml").write_text("uplinkEncoder:\n  fileName: x.js\n")
    assert "no uplinkDecoder.fileName" in error_of(capsys, "connectors", "test", str(tmp_path / "codec.yaml"))


# Devices name connectors


def test_devices_name_only_connectors_that_exist(moto_aws, capsys, script):
    assert main(["connectors", "add", "acme-th", "--file", script(TS013), "--kind", "ts013"]) == 0
    capsys.readouterr()
    added = run_json(capsys, "devices", "add", "CC-01", "--tenant", "t1", "--connector", "Acme-TH@1")
    assert added["added"] == ["CC-01"]
    assert run_json(capsys, "devices", "add", "CC-02", "--tenant", "t1", "--connector", "cayenne-lpp")["added"]
    assert "connector acme-th@2 does not exist" in error_of(
        capsys, "devices", "add", "CC-03", "--tenant", "t1", "--connector", "acme-th@2"
    )
    assert "connector name 'a b'" in error_of(capsys, "devices", "add", "CC-03", "--tenant", "t1", "--connector", "a b")
    listed = {d["serial"]: d["connector"] for d in run_json(capsys, "devices", "list", "--tenant", "t1")}
    assert listed == {"CC-01": "acme-th@1", "CC-02": "cayenne-lpp"}


def test_import_checks_each_rows_connector(moto_aws, capsys, script, tmp_path):
    assert main(["connectors", "add", "acme-th", "--file", script(TS013), "--kind", "ts013"]) == 0
    capsys.readouterr()
    csv_file = tmp_path / "devices.csv"
    csv_file.write_text("serial,connector\nDD-01,acme-th\nDD-02,missing\nDD-03,cayenne-lpp@2\nDD-04,\nDD-02,acme-th\n")
    report = run_json(capsys, "devices", "import", str(csv_file), "--tenant", "t1", code=1)
    assert report["added"] == ["DD-01", "DD-04", "DD-02"]
    assert [(i["line"], i["reason"]) for i in report["invalid"]] == [
        (3, "connector missing does not exist (see `inlet connectors list`)"),
        (4, "cayenne-lpp is built in and has only version 1"),
    ]
    listed = {d["serial"]: d["connector"] for d in run_json(capsys, "devices", "list", "--tenant", "t1")}
    assert listed == {"DD-01": "acme-th", "DD-02": "acme-th", "DD-04": "generic-sensor"}


def test_a_target_without_connectors_table_checks_the_syntax_only(moto_aws, monkeypatch, capsys):
    monkeypatch.delenv("CONNECTORS_TABLE")
    assert main(["devices", "add", "EE-01", "--tenant", "t1", "--connector", "later-codec"]) == 0
    assert "has no connectors table: connector later-codec was not checked" in capsys.readouterr().err
    assert "connector name" in error_of(capsys, "devices", "add", "EE-02", "--tenant", "t1", "--connector", "@1")


# From `inlet connectors add` to decoded records


def test_uplinks_of_a_device_are_decoded_with_its_connector(seeded, capsys, script):
    assert main(["connectors", "add", "acme-th", "--file", script(TS013), "--kind", "ts013"]) == 0
    assert main(["devices", "add", "TH-01", "--tenant", "demo", "--connector", "acme-th"]) == 0
    status, body, _ = invoke(http_event([{"serial": "TH-01", "payload": "0a6f", "port": 1}]))
    assert status == 200 and body["accepted"] == 1
    capsys.readouterr()  # the handler's log lines
    [record] = run_json(capsys, "records", "TH-01", "--tenant", "demo")
    assert record["payload"] == "0a6f"
    assert record["decoded"] == {"celsius": 26.71}
    assert record["decoder"] == {"connector": "acme-th@1", "errors": [], "warnings": []}
    assert {"variable": "celsius", "value": 26.71} in record["variables"]


# TypeScript connectors

TAGOIO_TS = """interface Rec { variable: string; value: unknown; unit?: string }
enum Scale { Centi = 100 }
const raw = payload.find((r: Rec) => r.variable === "payload")!;
const value: number = Buffer.from(raw.value as string, "hex").readInt16BE(0) / Scale.Centi;
const out: Rec[] = [{ variable: "temperature", value, unit: "C" }];
payload = out;
"""


def test_a_typescript_connector_is_transpiled_once_and_keeps_its_source(moto_aws, capsys, script):
    added = run_json(capsys, "connectors", "add", "th-ts", "--file", script(TAGOIO_TS, "parser.ts"))
    assert (added["kind"], added["language"]) == ("tagoio", "typescript")  # its kind told from it
    shown = run_json(capsys, "connectors", "show", "th-ts")
    assert shown["typescript"] == TAGOIO_TS
    assert "interface" not in shown["source"] and "Scale[Scale[" in shown["source"]
    assert main(["connectors", "show", "th-ts"]) == 0
    assert capsys.readouterr().out == TAGOIO_TS  # the file as added
    assert main(["connectors", "show", "th-ts", "--javascript"]) == 0
    assert capsys.readouterr().out.rstrip("\n") == shown["source"].rstrip("\n")
    expected = [{"variable": "temperature", "value": 26.71, "unit": "C"}]
    assert run_json(capsys, "decode", "--connector", "th-ts", "--payload", "0a6f")["payload"] == expected
    assert run_json(capsys, "decode", "--file", script(TAGOIO_TS, "p.ts"), "--payload", "0a6f")["payload"] == expected


def test_invalid_typescript_is_refused_with_the_reason(moto_aws, capsys, script):
    error = error_of(capsys, "connectors", "add", "bad", "--file", script("const a: = 1;", "bad.ts"))
    assert "bad.ts: not valid TypeScript:" in error
    assert run_json(capsys, "connectors", "list")[-1]["name"] == "generic-sensor"  # nothing stored


# normalizeUplink (The Things Stack's Device Repository)

NORMALIZING = """function decodeUplink(input) {
  return { data: { temperature: ((input.bytes[0] << 8) | input.bytes[1]) / 100 } };
}
function normalizeUplink(input) {
  return { data: { air: { temperature: input.data.temperature } } };
}
"""


def test_decode_shows_the_normalized_output_beside_the_decoded_one(aws_env, capsys, script):
    shown = run_json(capsys, "decode", "--file", script(NORMALIZING), "--port", "1", "--payload", "0a6f")
    assert shown["data"] == {"temperature": 26.71}
    assert shown["normalized"] == {"air": {"temperature": 26.71}}


def test_connectors_test_checks_the_examples_normalized_output(aws_env, capsys, tmp_path):
    (tmp_path / "codec.ts").write_text(NORMALIZING.replace("(input)", "(input: { bytes: number[] })", 1))
    example = """  - description: {name}
    input: {{fPort: 1, bytes: [10, 111]}}
    output: {{data: {{temperature: 26.71}}}}
    normalizedOutput: {{data: {{air: {{temperature: {value}}}}}}}
"""
    examples = example.format(name="right", value=26.71) + example.format(name="wrong", value=20)
    (tmp_path / "codec.yaml").write_text(f"uplinkDecoder:\n  fileName: codec.ts\n  examples:\n{examples}")
    report = run_json(capsys, "connectors", "test", str(tmp_path / "codec.yaml"), code=1)
    assert (report["passed"], report["failed"]) == (1, 1)
    assert report["examples"][1]["differences"] == ["normalizedOutput.data.air.temperature: expected 20, got 26.71"]


# inlet connectors remove


def test_remove_is_refused_while_devices_use_it_and_force_moves_them(moto_aws, capsys, script):
    for source in (TS013, TS013_V2):
        assert main(["connectors", "add", "acme-th", "--file", script(source)]) == 0
    assert main(["devices", "add", "PIN-1", "--tenant", "t1", "--connector", "acme-th@1"]) == 0
    assert main(["devices", "add", "FOL-1", "--tenant", "t2", "--connector", "acme-th"]) == 0
    capsys.readouterr()
    refused = error_of(capsys, "connectors", "remove", "acme-th@1")
    assert "1 device(s) use acme-th@1: t1/PIN-1 (acme-th@1)" in refused and "--force" in refused
    refused = error_of(capsys, "connectors", "remove", "acme-th@2")  # the latest: FOL-1 follows it
    assert "t2/FOL-1 (acme-th)" in refused and "PIN-1" not in refused
    removed = run_json(capsys, "connectors", "remove", "acme-th@1", "--force")
    assert removed == {"removed": ["acme-th@1"], "moved": [{"tenant": "t1", "serial": "PIN-1", "from": "acme-th@1"}]}
    assert [c["version"] for c in run_json(capsys, "connectors", "show", "acme-th")["versions"]] == [2]
    devices = {
        d["serial"]: d["connector"] for d in run_json(capsys, "devices", "list", "--tenant", "t1", "--no-health")
    }
    assert devices["PIN-1"] == "generic-sensor"
    assert run_json(capsys, "connectors", "remove", "acme-th", "--force")["moved"][0]["serial"] == "FOL-1"
    assert "does not exist" in error_of(capsys, "connectors", "show", "acme-th")
    assert all(c["name"] != "acme-th" for c in run_json(capsys, "connectors", "list"))
    # a number is never used twice: warm functions keep versions by number
    assert run_json(capsys, "connectors", "add", "acme-th", "--file", script(TS013))["connector"] == "acme-th@3"
    assert "built in" in error_of(capsys, "connectors", "remove", "cayenne-lpp")
    assert "does not exist" in error_of(capsys, "connectors", "remove", "acme-th@7")


def test_add_tells_the_kind_and_refuses_a_wrong_one_clearly(moto_aws, capsys, script):
    added = run_json(capsys, "connectors", "add", "parser", "--file", script(TAGOIO))
    assert added["kind"] == "tagoio"
    refused = error_of(capsys, "connectors", "add", "parser", "--file", script(TAGOIO), "--kind", "ts013")
    assert "this is not a ts013 script: it defines none of decodeUplink, Decoder or Decode" in refused
    refused = error_of(capsys, "connectors", "add", "codec", "--file", script(TS013), "--kind", "tagoio")
    assert "this is not a tagoio script: it never reads payload" in refused
    assert "of no kind" in error_of(capsys, "connectors", "add", "x", "--file", script("var a = 1;"))
