"""Writes paced to stay within the records table's capacity, so that re-decoding never throttles live ingest.

A provisioned table gets at most ``SHARE`` of its write capacity units per second; an on-demand table (no capacity to
read) ``ON_DEMAND_UNITS`` per second unless ``--max-wcu`` says otherwise. An item costs one write unit per started
KB. The pace is a token bucket refilled every second: a burst never exceeds one second's units.
"""

from __future__ import annotations

import math
import time

SHARE = 0.5
ON_DEMAND_UNITS = 100


def write_units(item_bytes: int) -> int:
    return max(1, math.ceil(item_bytes / 1024))


def table_units(dynamodb, table: str) -> int:
    """Write units per second the re-decoding may use on ``table``."""
    described = dynamodb.describe_table(TableName=table)["Table"]
    provisioned = (described.get("ProvisionedThroughput") or {}).get("WriteCapacityUnits") or 0
    if (described.get("BillingModeSummary") or {}).get("BillingMode") == "PAY_PER_REQUEST" or not provisioned:
        return ON_DEMAND_UNITS
    return max(1, int(provisioned * SHARE))


class Pacer:
    def __init__(self, units_per_second: int, clock=time.monotonic, sleep=time.sleep) -> None:
        self.rate = units_per_second
        self._clock, self._sleep = clock, sleep
        self._tokens = float(units_per_second)
        self._at = clock()
        self.waited = 0.0

    def take(self, units: int) -> None:
        """Wait until ``units`` may be written (at most one second's worth at a time)."""
        units = min(units, self.rate)
        while True:
            now = self._clock()
            self._tokens = min(self.rate, self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens >= units - 1e-9:  # floating point: 10 tenths of a unit are a unit
                self._tokens = max(0.0, self._tokens - units)
                return
            pause = (units - self._tokens) / self.rate
            self.waited += pause
            self._sleep(pause)
