"""Request bodies of the benchmarks: The Things Stack v3 (~2 kB an item), LORIOT `gw` messages, the spec's flat schema.

Items cycle over ``devices`` devices. ``seed`` changes every item's counter and times, so two bodies with different
seeds are different requests for deduplication (the same body twice would be a replay, answered from the store).
"""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime, timedelta

import orjson

DEVICES = 50
# The CPU-per-uplink benchmark compares the formats with items of ~2 kB, as TTS v3's: a LORIOT `gw` message heard by
# 12 gateways, and a flat item carrying a full 100-byte payload and the 40 decoded channels of a multi-sensor device.
GATEWAYS = 12
FLAT_CHANNELS = 40
_EPOCH = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def serial(device: int) -> str:
    return f"70B3D57ED{device:07X}"


def serials(devices: int = DEVICES) -> list[str]:
    return [serial(d) for d in range(devices)]


def _iso(seconds: float) -> str:
    return (_EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _tts_gateway(rng: random.Random, g: int, at: str) -> dict:
    return {
        "gateway_ids": {"gateway_id": f"city-gw-{g:03d}", "eui": f"B827EBFFFE{g:06X}"},
        "time": at,
        "timestamp": rng.randrange(2**32),
        "rssi": -rng.randrange(60, 120),
        "channel_rssi": -rng.randrange(60, 120),
        "snr": round(rng.uniform(-10, 10), 2),
        "location": {
            "latitude": round(52.3 + g / 100, 5),
            "longitude": round(4.8 + g / 100, 5),
            "altitude": 12,
            "source": "SOURCE_REGISTRY",
        },
        "uplink_token": base64.b64encode(rng.randbytes(40)).decode(),
        "channel_index": rng.randrange(8),
        "received_at": at,
    }


def tts_item(index: int, device: int, seed: int = 0) -> dict:
    rng = random.Random(seed * 1_000_003 + index)
    at = _iso(seed * 3600 + index + 0.498113)
    return {
        "end_device_ids": {
            "device_id": f"eui-{serial(device).lower()}",
            "application_ids": {"application_id": "greenhouse-sensors"},
            "dev_eui": serial(device),
            "join_eui": "0000000000000000",
            "dev_addr": f"260B{device:04X}",
        },
        "correlation_ids": [f"as:up:01HXR8Q0J3M2V9T5K7{index:08d}", f"gs:uplink:01HXR8Q0FZ8D3N1P6S{seed:08d}"],
        "received_at": at,
        "uplink_message": {
            "session_key_id": base64.b64encode(rng.randbytes(16)).decode(),
            "f_port": 2,
            "f_cnt": seed * 100_000 + index,
            "frm_payload": base64.b64encode(rng.randbytes(11)).decode(),
            "decoded_payload": {
                "temperature": round(rng.uniform(-5, 35), 2),
                "humidity": rng.randrange(100),
                "battery": round(rng.uniform(3.0, 3.7), 2),
                "co2": rng.randrange(400, 2000),
                "light": rng.randrange(10_000),
            },
            "rx_metadata": [_tts_gateway(rng, g, at) for g in range(3)],
            "settings": {
                "data_rate": {"lora": {"bandwidth": 125000, "spreading_factor": 9, "coding_rate": "4/5"}},
                "frequency": "867300000",
                "timestamp": rng.randrange(2**32),
                "time": at,
            },
            "received_at": at,
            "consumed_airtime": "0.205824s",
            "version_ids": {
                "brand_id": "dragino",
                "model_id": "lht65",
                "hardware_version": "_unknown_hw_version_",
                "firmware_version": "1.8",
                "band_id": "EU_863_870",
            },
            "network_ids": {
                "net_id": "000013",
                "tenant_id": "ttn",
                "cluster_id": "eu1",
                "cluster_address": "eu1.cloud.thethings.network",
            },
        },
    }


def loriot_item(index: int, device: int, seed: int = 0) -> dict:
    rng = random.Random(seed * 1_000_003 + index)
    ts = 1_795_000_000_000 + (seed * 3600 + index) * 1000
    gateways = [
        {
            "rssi": -rng.randrange(60, 125),
            "snr": round(rng.uniform(-15, 10), 1),
            "ts": ts - 30 + g,
            "time": _iso(seed * 3600 + index),
            "gweui": f"7076FF0056{g:06X}",
            "ant": g % 2,
            "lat": round(46.52 + g / 100, 5),
            "lon": round(6.63 + g / 100, 5),
        }
        for g in range(GATEWAYS)
    ]
    return {
        "cmd": "gw",
        "seqno": seed * 100_000 + index,
        "EUI": serial(device),
        "ts": ts,
        "fcnt": seed * 100_000 + index,
        "port": 3,
        "freq": 867500000,
        "toa": 1155,
        "dr": "SF12 BW125 4/5",
        "ack": False,
        "bat": rng.randrange(255),
        "offline": False,
        "data": rng.randbytes(11).hex(),
        "gws": gateways,
    }


def flat_item(index: int, device: int, seed: int = 0) -> dict:
    rng = random.Random(seed * 1_000_003 + index)
    return {
        "serial": serial(device),
        "payload": rng.randbytes(100).hex(),
        "port": 10,
        "time": _iso(seed * 3600 + index),
        "latitude": round(rng.uniform(-60, 60), 5),
        "longitude": round(rng.uniform(-180, 180), 5),
        "rssi": -rng.randrange(60, 120),
        "snr": round(rng.uniform(-10, 10), 1),
        "battery": round(rng.uniform(3.0, 3.7), 2),
        "temperature": round(rng.uniform(-5, 35), 2),
        "humidity": rng.randrange(100),
        "counter": seed * 100_000 + index,
        **{f"channel_{c:02d}_value": round(rng.uniform(-1000, 1000), 3) for c in range(FLAT_CHANNELS)},
    }


def clean_item(index: int, device: int, seed: int = 0) -> dict:
    """The spec's own clean schema (serial, hex payload, port, latitude, longitude) with the RSSI and SNR it invites,
    carrying an LHT65 uplink: what a service that formats its JSON for the endpoint sends."""
    rng = random.Random(seed * 1_000_003 + index)
    return {
        "serial": serial(device),
        "payload": rng.randbytes(11).hex(),
        "port": 2,
        "latitude": round(rng.uniform(-60, 60), 5),
        "longitude": round(rng.uniform(-180, 180), 5),
        "rssi": -rng.randrange(60, 120),
        "snr": round(rng.uniform(-10, 10), 1),
    }


ITEMS = {"tts": tts_item, "loriot": loriot_item, "flat": flat_item, "clean": clean_item}


def items(fmt: str, count: int, seed: int = 0, devices: int = DEVICES) -> list[dict]:
    make = ITEMS[fmt]
    return [make(i, i % devices, seed) for i in range(count)]


def body(fmt: str, count: int, seed: int = 0, devices: int = DEVICES) -> bytes:
    """A JSON body of ``count`` items (a single object when ``count`` is 1, as a device would send it)."""
    data = items(fmt, count, seed, devices)
    return orjson.dumps(data[0] if count == 1 else data)


def bodies(fmt: str, count: int, how_many: int, first_seed: int = 1) -> list[bytes]:
    """Distinct bodies for repeated runs (prepared before any timing)."""
    return [body(fmt, count, seed) for seed in range(first_seed, first_seed + how_many)]


def single(fmt: str, index: int, seed: int = 0, devices: int = DEVICES) -> bytes:
    """One uplink as its own request (item ``index`` of a stream cycling over the devices)."""
    return orjson.dumps(ITEMS[fmt](index, index % devices, seed))
