"""The registry of network-server formats (``inlet.core.network_servers``): every registered format has its fixture,
its documentation page and row, and the facts each part of Inlet reads from it; every fixture folder says where its
files come from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inlet.core.network_servers import FORMATS, FORMATS_BY_ID, MESSAGE_ORDER, classify_message, detect_format
from inlet.core.uplink import map_item

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
DOCS = ROOT / "docs" / "network-servers"
IDS = sorted(FORMATS_BY_ID)


def uplink_fixtures() -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for path in sorted((FIXTURES / "lns").glob("*.json")):
        fixture = json.loads(path.read_text())
        found.setdefault(fixture["format"], []).append(fixture["item"])
    return found


def event_fixtures() -> list[tuple[dict, dict]]:
    events = []
    for path in sorted((FIXTURES / "lns_events").glob("*.json")):
        data = json.loads(path.read_text())
        events.append((data["body"], data["query"]) if set(data) == {"query", "body"} else (data, {}))
    return events


@pytest.mark.parametrize("format_id", IDS)
def test_every_format_has_an_uplink_fixture_it_detects(format_id):
    items = uplink_fixtures().get(format_id)
    assert items, f'no fixture in tests/fixtures/lns/ with "format": "{format_id}"'
    assert all(detect_format(item).id == format_id for item in items)


@pytest.mark.parametrize("format_id", IDS)
def test_every_format_has_its_page_and_its_row(format_id):
    fmt = FORMATS_BY_ID[format_id]
    page = DOCS / fmt.page
    assert fmt.page and page.exists(), f"{format_id}: no page docs/network-servers/{fmt.page}"
    assert f"`{format_id}`" in page.read_text(), f"{format_id}: its page does not name it"
    rows = [line for line in (DOCS / "index.md").read_text().splitlines() if line.startswith("|")]
    assert any(f"`{format_id}`" in row and f"({fmt.page})" in row for row in rows), f"{format_id}: no row in index.md"
    assert f"network-servers/{fmt.page}" in (ROOT / "mkdocs.yml").read_text()


@pytest.mark.parametrize("format_id", IDS)
def test_every_format_says_where_its_radio_figures_are_and_how_it_is_recognised(format_id):
    assert FORMATS_BY_ID[format_id].radio and FORMATS_BY_ID[format_id].recognised_by


def test_every_format_with_messages_has_a_message_fixture():
    recognised = {classify_message(body, query).format for body, query in event_fixtures()}
    with_messages = {f.id for f in FORMATS if f.other_messages or f.messages} - {"generic"}
    # chirpstack_v3's vocabulary also names Milesight's notifications; each with a vocabulary has a fixture
    missing = {fid for fid in with_messages if fid not in recognised and fid not in ("chirpstack_v3_json",)}
    assert not missing, f"no tests/fixtures/lns_events/ file recognised as: {sorted(missing)}"


def test_every_format_with_uplink_signatures_has_its_place_in_the_message_order():
    assert {f.id for f in FORMATS if f.messages} == {f.id for f in MESSAGE_ORDER}


def test_the_uplinks_of_formats_with_the_servers_time_carry_that_time():
    for path in sorted((FIXTURES / "lns").glob("*.json")):
        fixture = json.loads(path.read_text())
        fmt = FORMATS_BY_ID[fixture["format"]]
        if fmt.server_time:
            uplink = map_item(0, fixture["item"], {}, None)
            assert fmt.fields.time and uplink.time and uplink.time == fixture["expect"]["time"], path.name


@pytest.mark.parametrize("folder", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_every_fixture_folder_says_where_its_files_come_from(folder):
    readme = FIXTURES / folder / "README.md"
    assert readme.exists() and len(readme.read_text()) > 200, f"tests/fixtures/{folder}/README.md"
