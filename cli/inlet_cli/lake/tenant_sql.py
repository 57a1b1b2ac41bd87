"""``--tenant``: the query's ``uplinks`` and ``device_events`` become that tenant's rows only.

The same SQL runs on both engines because the tables it names are common table expressions put in front of it:
``WITH uplinks AS (SELECT * FROM <source> WHERE tenant = 'T'), device_events AS (...) <the query>``. A query that
starts with its own ``WITH`` gets these two first in the same clause. This is a convenience for the operator, not a
security boundary: whoever holds the credentials to run it can name the underlying table (``inlet_lake.uplinks``
on Athena, the files locally) and read every tenant. People who must see one tenant only get the reader policy of
docs/lake.md, which limits them to that tenant's prefix.
"""

from __future__ import annotations

import re

from inlet.core.keys import TENANT_PATTERN

from inlet_cli.errors import CliError

_LEADING = re.compile(r"^(\s*(--[^\n]*(\n|$)|/\*.*?\*/))*\s*", re.DOTALL)
_WITH = re.compile(r"WITH(\s+RECURSIVE)?\s", re.IGNORECASE)


def restricted(sql: str, tenant: str, sources: dict[str, str]) -> str:
    """``sql`` with each table of ``sources`` (name -> what it reads) limited to ``tenant``."""
    if not TENANT_PATTERN.match(tenant or ""):
        raise CliError("--tenant must be 1-64 characters of letters, digits, '_' or '-'")
    body = sql.strip().rstrip(";").strip()
    if not body:
        raise CliError("the query is empty")
    ctes = ", ".join(f"{name} AS (SELECT * FROM {src} WHERE tenant = '{tenant}')" for name, src in sources.items())
    head = _LEADING.match(body).end()
    match = _WITH.match(body, head)
    if match:
        recursive = " RECURSIVE" if match.group(1) else ""
        return f"{body[:head]}WITH{recursive} {ctes}, {body[match.end() :]}"
    return f"{body[:head]}WITH {ctes} {body[head:]}"
