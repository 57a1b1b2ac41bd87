"""``inlet query "SQL" --tenant T (--local | --stack NAME) [--format table|csv|json|jsonl]``: SQL over the data lake.

On a stack the query runs on Athena (progress on stderr while it runs; the rows; bytes scanned and their cost at the
end); locally on DuckDB over the local stack's lake files. The tables are ``uplinks`` and ``device_events`` in both,
limited to ``--tenant`` (a convenience for the operator, who can read every tenant anyway: see tenant_sql).
"""

from __future__ import annotations

import argparse
import sys

from inlet_cli.commands import checked_tenant
from inlet_cli.errors import CliError
from inlet_cli.lake.examples import EXAMPLES
from inlet_cli.lake.results import render, summary
from inlet_cli.targets import resolve

FORMATS = ("table", "csv", "json", "jsonl")


def register(groups, common: argparse.ArgumentParser) -> None:
    query = groups.add_parser("query", help="run SQL on the data lake (Athena on a stack, DuckDB locally)")
    query.add_argument("sql", metavar="SQL", nargs="?", help="the query; its tables are `uplinks` and `device_events`")
    query.add_argument("--example", metavar="NAME", choices=sorted(EXAMPLES), help="run a documented example instead")
    query.add_argument("--list-examples", action="store_true", help="print the example queries and stop")
    query.add_argument("--tenant", help="the tenant whose rows the tables hold (required to run a query)")
    where = query.add_mutually_exclusive_group()
    where.add_argument("--local", action="store_true", help="DuckDB over the lake of `inlet local run` (.inlet/lake)")
    where.add_argument("--stack", metavar="NAME", help="Athena on a deployed stack with the lake on")
    query.add_argument("--format", choices=FORMATS, default="table", help="table (default), csv, json or jsonl")
    query.set_defaults(run=run_query)


def run_query(args: argparse.Namespace) -> int:
    if args.list_examples:
        for name, (title, sql) in EXAMPLES.items():
            print(f"-- {name}: {title}\n{sql};\n")
        return 0
    sql = EXAMPLES[args.example][1] if args.example else args.sql
    if not sql or (args.example and args.sql):
        raise CliError("give the SQL or --example NAME (one of them)")
    if not args.tenant:
        raise CliError("--tenant is required: the tables hold that tenant's rows")
    if not (args.local or args.stack):
        raise CliError("say where: --local (DuckDB over .inlet/lake) or --stack NAME (Athena)")
    tenant = checked_tenant(args.tenant)
    answer = _run_local(sql, tenant) if args.local else _run_athena(sql, tenant, args.stack)
    sys.stdout.write(render(answer, args.format))
    sys.stderr.write(summary(answer) + "\n")
    return 0


def _run_local(sql: str, tenant: str):
    from inlet_cli.lake.local_engine import run_local
    from inlet_cli.lake.local_lake import lake_root

    return run_local(sql, tenant, lake_root())


def _run_athena(sql: str, tenant: str, stack: str):
    from inlet_cli.lake.athena_engine import AthenaQuery

    target = resolve(stack=stack)
    if not target.lake_database or not target.lake_workgroup:
        raise CliError(f"{target.source} has no data lake: deploy it with DataLake=Enabled (see docs/lake.md)")
    return AthenaQuery(target.client("athena"), target.lake_database, target.lake_workgroup).run(sql, tenant)
