"""Which devices, which connector, which records: what re-decoding and diffs read."""

from __future__ import annotations

from collections.abc import Iterator

from inlet.core.decoding.references import GENERIC_SENSOR, Connector, InvalidReference, parse_reference
from inlet.service.decoding import decode_with, resolve

from inlet_cli.commands import checked_serial
from inlet_cli.errors import CliError
from inlet_cli.redecode.stored import pages, uplink_of


def serials_of(target, tenant: str, serials: list[str], every: bool) -> list[str]:
    if every == bool(serials):
        raise CliError("name devices (SERIAL...) or pass --all for every device of the tenant")
    if every:
        return [d.serial for d in target.device_store().list(tenant)]
    return list(dict.fromkeys(checked_serial(s) for s in serials))


def connector_named(target, text: str) -> Connector:
    """The connector version ``text`` names (its latest when it names none), built in or stored."""
    try:
        ref = parse_reference(text)
    except InvalidReference as exc:
        raise CliError(str(exc)) from None
    if ref.name == GENERIC_SENSOR:
        raise CliError(f"{GENERIC_SENSOR} does not decode: it stores the payload as sent")
    connector = resolve(ref, target.connector_store() if not ref.builtin else None)
    if connector is None:
        raise CliError(f"connector {ref} does not exist in {target.source} (see `inlet connectors list`)")
    return connector


def device_connector(target, device) -> Connector | None:
    """The connector a device decodes with now (``None``: generic-sensor, or one that no longer exists)."""
    text = getattr(device, "connector", None) or GENERIC_SENSOR
    if text == GENERIC_SENSOR:
        return None
    try:
        return connector_named(target, text)
    except CliError:
        return None


def decoded_pages(
    target, tenant: str, serial: str, device, connector: Connector, span: tuple[str, str], after_sk: str, engine
) -> Iterator[list[tuple[dict, dict, object]]]:
    """``(item, uplink, decoding)`` of a device's records in ``span``, a page at a time (after ``after_sk``)."""
    from inlet.adapters.record_items import device_key

    dynamodb = target.client("dynamodb")
    table = target.require("records_table")
    for page in pages(dynamodb, table, device_key(tenant, serial), span[0], span[1], after_sk):
        uplinks = [uplink_of(item, tenant, serial) for item in page]
        decodings = decode_with(connector, [(u, device) for u in uplinks], engine=engine, keep_input=True)
        yield list(zip(page, uplinks, decodings, strict=True))
