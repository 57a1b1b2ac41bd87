"""MkDocs hooks (``mkdocs.yml``: ``hooks``): a page holding a marker gets the generated text in its place."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "cli", ROOT / "layers" / "common"):  # the site builds from a checkout, installed or not
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from docsgen import cli_reference, http_api, network_servers  # noqa: E402

MARKERS = {
    "<!-- generated: cli-reference -->": cli_reference.render,
    "<!-- generated: http-api -->": http_api.render,
    "<!-- generated: network-server-formats -->": network_servers.render,
    "<!-- generated: network-server-detection -->": network_servers.detection,
}


def on_page_markdown(markdown: str, **_) -> str:
    for marker, render in MARKERS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, render())
    return markdown
