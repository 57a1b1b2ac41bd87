"""The documented example queries (docs/lake.md shows each one as it is here; a test runs them all locally).

Each runs unchanged on Athena (Trino) and DuckDB. What keeps them portable:
- map subscripts are guarded: on Athena ``decoded['x']`` fails on a row whose map has no ``x`` (Trino's standard
  behaviour), so the rows are first limited with ``contains(map_keys(decoded), 'x')`` (or use ``try(...)``);
- dates: ``day`` is text ('YYYY-MM-DD') in both; ``CAST(... AS DATE)`` and ``INTERVAL '30' DAY`` are common syntax;
  timestamps are UTC without a zone in both (the local engine sets DuckDB's TimeZone to UTC);
- ``CROSS JOIN UNNEST(gateways) AS g (gateway)`` for the list of gateways.
"""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, str]] = {
    "daily-stats": (
        "Per-device daily statistics of a decoded value",
        """SELECT serial, day, count(*) AS uplinks,
       round(avg(decoded['temperature']), 2) AS mean_temperature,
       min(decoded['temperature']) AS min_temperature,
       max(decoded['temperature']) AS max_temperature
FROM uplinks
WHERE contains(map_keys(decoded), 'temperature')
GROUP BY serial, day
ORDER BY serial, day""",
    ),
    "silent-devices": (
        "Devices heard in the last 30 days but not in the last 24 hours",
        """SELECT serial, max(received_at) AS last_seen, count(*) AS uplinks_in_30_days
FROM uplinks
WHERE day >= CAST(CAST(current_timestamp - INTERVAL '30' DAY AS DATE) AS VARCHAR)
GROUP BY serial
HAVING max(received_at) < current_timestamp - INTERVAL '24' HOUR
ORDER BY last_seen""",
    ),
    "per-gateway": (
        "Uplinks per gateway (an uplink heard by three gateways counts for each)",
        """SELECT gateway, count(*) AS uplinks, count(DISTINCT serial) AS devices,
       round(avg(rssi), 1) AS mean_best_rssi
FROM uplinks
CROSS JOIN UNNEST(gateways) AS g (gateway)
GROUP BY gateway
ORDER BY uplinks DESC, gateway""",
    ),
    "device-range": (
        "One device's uplinks over a time range (the day bounds let the engine skip other days' files)",
        """SELECT time, received_at, port, payload, frame_counter, rssi, snr, decoded_json
FROM uplinks
WHERE serial = '70B3D57ED0000001'
  AND day BETWEEN '2025-06-01' AND '2025-06-07'
  AND time >= TIMESTAMP '2025-06-01 00:00:00' AND time < TIMESTAMP '2025-06-08 00:00:00'
ORDER BY time""",
    ),
    "decode-failures": (
        "Decode failures per device and decoder, with one of the reasons",
        """SELECT serial, decoder, count(*) AS failures, max(time) AS last_failure, max(decode_error) AS one_reason
FROM uplinks
WHERE decode_failed
GROUP BY serial, decoder
ORDER BY failures DESC, serial""",
    ),
    "frame-loss": (
        "Uplinks lost per device, estimated from frame counter gaps (a counter reset makes it an estimate)",
        """SELECT serial, count(*) AS received,
       max(frame_counter) - min(frame_counter) + 1 AS expected,
       round(100 * (1 - count(*) / CAST(max(frame_counter) - min(frame_counter) + 1 AS DOUBLE)), 1) AS lost_percent
FROM uplinks
WHERE frame_counter IS NOT NULL
GROUP BY serial
ORDER BY lost_percent DESC, serial""",
    ),
}
