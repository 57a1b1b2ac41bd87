"""The documentation's shape: a short README that points to the site, one title per page (outside code blocks)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").rglob("*.md"))


def titles(text: str) -> list[str]:
    without_code = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    return [line for line in without_code.splitlines() if line.startswith("# ")]


def test_the_readme_stays_short_and_links_the_site():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 200
    for page in ("docs/getting-started.md", "docs/network-servers/index.md", "docs/cli.md", "CONTRIBUTING.md"):
        assert f"]({page})" in readme and (ROOT / page).exists(), page


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT / "docs")))
def test_every_page_has_one_title(page):
    assert len(titles(page.read_text())) == 1
