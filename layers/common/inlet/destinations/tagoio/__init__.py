"""``tagoio``: TagoIO's ``POST /data`` with each device's token, as Inlet has forwarded since its first version.

Unlike the other kinds, a TagoIO destination is settled at ingest, before the 2xx: a device must exist in TagoIO for
its uplink to be accepted (the device directory), and TagoIO's records are built and queued with the request (one
SQS SendMessageBatch, the call the ingest path already made). Its settings therefore live on the tenant's keys
(``KeyConfig.sink`` ``tagoio`` or ``both`` and ``KeyConfig.tagoio``): ``inlet destinations add NAME --kind tagoio``
writes them there, and every key that forwards to TagoIO is listed as a destination. Its delivery path keeps every
guarantee (claims, the duplicate check, the keep/regroup verdict). The package:

- ``settings``: a key's TagoIO settings; ``records``: records as TagoIO records, checked against its rules;
- ``api``: TagoIO's HTTP API; ``devices``: device tokens and the device directory; ``forwarding``: the uplink
  function's side (the directory and the sink that queues deliveries);
- ``delivery``: one queued part; ``worker`` and ``worker_wiring``: the delivery function's use case; ``attempt`` and
  ``run``: one attempt and its claim; ``claims``: the claims and device items; ``group_checks``: keep/regroup.
"""

from __future__ import annotations

from inlet.destinations.kind import REFUSED, Answer, Context, Delivery, Destination, Kind
from inlet.destinations.tagoio.settings import tagoio_settings


def configure(options: dict, deployed: bool) -> dict:
    settings = tagoio_settings(
        network_token_param=options.get("network_token_param") or "",
        authorization=options.get("authorization") or "",
        region=options.get("region") or "",
        api_url=options.get("api_url") or "",
    )
    if deployed and settings["api_url"].startswith("http://"):
        raise ValueError("a deployed stack posts to TagoIO over https only")
    return settings


def send(destination: Destination, deliveries: list[Delivery], context: Context) -> list[Answer]:
    """Never called by the fan-out (``fan_out=False``): TagoIO deliveries are queued at ingest."""
    return [Answer(REFUSED, "tagoio_not_fanned_out: TagoIO deliveries are queued at ingest")] * len(deliveries)


KIND = Kind(
    name="tagoio",
    summary="TagoIO POST /data per device (devices resolved through TagoIO at ingest)",
    configure=configure,
    send=send,
    target=lambda destination: destination.settings.get("api_url", ""),
    max_batch=1,
    fan_out=False,
)
