"""The generated pages of the documentation follow the code: every command and option of the CLI's parser is in the
CLI reference, every answer of openapi.yaml in the HTTP API page, and both pages hold their generation marker."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import yaml
from inlet_cli.main import build_parser

from docsgen import cli_reference, http_api
from docsgen.hooks import MARKERS, on_page_markdown

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


def test_every_command_and_option_of_the_parser_is_in_the_cli_reference():
    parser = build_parser()
    page = cli_reference.render(parser)
    found = cli_reference.commands(parser)
    assert len(found) > 20
    for name, sub, _ in found:
        assert f"`{name}`" in page, name
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            shown = action.option_strings[0] if action.option_strings else action.metavar or action.dest
            assert f"`{shown}`" in page, (name, shown)


def test_an_option_added_to_the_parser_appears_in_the_reference():
    parser = build_parser()
    keys = next(sub for name, sub, _ in cli_reference.commands(parser) if name == "inlet keys list")
    keys.add_argument("--brand-new-option", help="a help text nobody wrote before")
    page = cli_reference.render(parser)
    assert "`--brand-new-option`" in page and "a help text nobody wrote before" in page


def test_required_and_exclusive_options_say_so():
    page = cli_reference.render()
    create = page.split("### `inlet keys create`", 1)[1].split("\n### ", 1)[0]
    assert "| `--tenant` `TENANT` | the tenant whose devices the key may write; default: $INLET_TENANT" in create
    assert "required when none is set" in create and "(not with `--stack`)" in create
    decode = page.split("## `inlet decode`", 1)[1].split("\n## ", 1)[0]
    assert "(required, or `--file` instead)" in decode


def test_every_answer_of_openapi_is_on_the_http_api_page():
    document = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    page = http_api.render()
    for route, operations in document["paths"].items():
        for method, operation in operations.items():
            assert f"`{method.upper()} {route}`" in page
            for status in operation["responses"]:
                assert f"\n| {status} |" in page, status


def test_every_registered_format_is_a_row_of_the_generated_formats_table():
    from inlet.core.network_servers import FORMATS

    from docsgen import network_servers

    table = network_servers.render()
    for fmt in FORMATS:
        row = next(line for line in table.splitlines() if f"| `{fmt.id}` |" in line)
        assert f"({fmt.page})" in row and ("(the server's)" in row) == fmt.server_time


@pytest.mark.parametrize(
    ("page", "marker"),
    [
        ("cli.md", "cli-reference"),
        ("http-api.md", "http-api"),
        ("network-servers/index.md", "network-server-formats"),
        ("network-servers/index.md", "network-server-detection"),
    ],
)
def test_the_pages_hold_their_marker_and_the_hook_fills_it(page, marker):
    text = (ROOT / "docs" / page).read_text()
    assert f"<!-- generated: {marker} -->" in text
    filled = on_page_markdown(text)
    assert not any(m in filled for m in MARKERS)
    assert len(filled) > len(text) + 1000


def test_every_command_has_more_than_its_one_line_help():
    parser = build_parser()
    for name, sub, _ in cli_reference.commands(parser):
        if cli_reference.has_subcommands(sub):
            continue  # a group: its one-line help says what its commands are about
        assert sub.description, f"{name}: no description (cli/inlet_cli/command_guide.py or description=)"
