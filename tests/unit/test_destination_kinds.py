"""The destination kinds' pure parts: Standard Webhooks signatures checked by the `standardwebhooks` package (an
independent implementation), the webhook's address rules (SSRF), the filter, the backoff, the registry."""

from __future__ import annotations

import socket
import time

import pytest
from inlet.destinations import KINDS, UnknownKind, kind_of
from inlet.destinations.kind import Destination
from inlet.destinations.matching import parse_filter, takes
from inlet.destinations.retries import backoff_seconds, exhausted
from inlet.destinations.webhook import addresses, signing
from inlet.destinations.webhook.post import judge
from standardwebhooks import Webhook, WebhookVerificationError

pytestmark = pytest.mark.unit
BODY = b'{"version":1,"type":"uplink","serial":"70B3D57ED0000001"}'


def test_a_signature_verifies_with_the_standard_webhooks_library():
    secret = signing.new_secret()
    now = int(time.time())
    headers = signing.headers([secret], "msg_1", now, BODY)
    assert Webhook(secret).verify(BODY, headers) == {"version": 1, "type": "uplink", "serial": "70B3D57ED0000001"}
    # and the library's own signature is ours, byte for byte
    assert Webhook(secret).sign("msg_1", _datetime(now), BODY.decode()) == headers["webhook-signature"]


def test_during_a_rotation_either_secret_verifies():
    old, new = signing.new_secret(), signing.new_secret()
    headers = signing.headers([new, old], "msg_2", int(time.time()), BODY)
    for secret in (old, new):
        Webhook(secret).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(BODY, headers)
    tampered = BODY.replace(b"0001", b"0002")
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(tampered, headers)


def _datetime(epoch: int):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.5", "172.16.3.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1",
     "fe80::1", "fc00::1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "224.0.0.1", "198.18.0.1"],
)  # fmt: skip
def test_a_deployed_webhook_never_reaches_a_private_or_reserved_address(address):
    assert not addresses.allowed(address, deployed=True)


def test_public_addresses_are_allowed_and_loopback_only_locally():
    assert addresses.allowed("93.184.215.14", deployed=True)
    assert addresses.allowed("2606:4700::6810:85e5", deployed=True)
    assert addresses.allowed("127.0.0.1", deployed=False)
    assert not addresses.allowed("10.0.0.5", deployed=False)  # locally too: only loopback is relaxed


def test_the_address_connected_to_is_the_one_checked():
    answers = iter([["93.184.215.14"], ["169.254.169.254"]])  # a rebinding DNS: public first, metadata after

    def getaddrinfo(host, port, type=0):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in next(answers)]

    target = addresses.resolve("https://hooks.example.com/in?x=1", True, getaddrinfo)
    assert (target.address, target.host, target.port, target.path) == (
        "93.184.215.14",
        "hooks.example.com",
        443,
        "/in?x=1",
    )
    with pytest.raises(addresses.Forbidden, match="private or reserved"):
        addresses.resolve("https://hooks.example.com/in", True, getaddrinfo)


@pytest.mark.parametrize(
    ("url", "deployed", "why"),
    [
        ("http://hooks.example.com/", True, "only https"),
        ("http://127.0.0.1:8080/", True, "only https"),
        ("http://hooks.example.com/", False, "only https"),
        ("https://user:pw@hooks.example.com/", True, "credentials"),
        ("ftp://hooks.example.com/", True, "https://"),
        ("https:///nohost", True, "https://"),
    ],
)
def test_urls_a_webhook_refuses(url, deployed, why):
    with pytest.raises(addresses.Forbidden, match=why):
        addresses.check_url(url, deployed)


def test_a_local_receiver_over_http_is_fine_on_the_local_stack():
    addresses.check_url("http://127.0.0.1:9000/hook", deployed=False)
    addresses.check_url("http://localhost:9000/hook", deployed=False)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(200, "delivered"), (204, "delivered"), (408, "retry"), (429, "retry"), (500, "retry"), (503, "retry"),
     (301, "refused"), (400, "refused"), (401, "refused"), (404, "refused"), (410, "refused")],
)  # fmt: skip
def test_what_an_answer_means(status, outcome):
    assert judge(status, None, "").status == outcome


def test_retry_after_is_honoured():
    assert judge(429, "120", "").retry_after == 120
    assert backoff_seconds(1, 900, 0.0, retry_after=120) == 120


def test_backoff_grows_to_its_cap_with_jitter():
    delays = [backoff_seconds(n, 900, 0.0) for n in range(1, 12)]
    assert delays[:4] == [5, 10, 20, 40] and delays[-1] == 450  # jitter 0: half the step
    assert [backoff_seconds(n, 900, 0.999) for n in (1, 11)] == [9, 899]
    assert not exhausted(0, 86_399, 86_400) and exhausted(0, 86_400, 86_400)


def test_the_filter():
    wanted = parse_filter("serial_prefix=70b3;port=1,2")
    destination = Destination("acme", "d", "webhook", filter=wanted, keys=("k1",))
    assert takes(destination, "k1", "70B3D57ED0000001", 1, "uplink")
    assert not takes(destination, "k2", "70B3D57ED0000001", 1, "uplink")  # another key
    assert not takes(destination, "k1", "A84041000181C2F1", 1, "uplink")
    assert not takes(destination, "k1", "70B3D57ED0000001", 3, "uplink")
    assert not takes(destination, "k1", "70B3D57ED0000001", 1, "device_event")  # uplinks only unless asked
    events = Destination("acme", "d", "webhook", filter=parse_filter("type=uplink,device_event"))
    assert takes(events, "any", "X", None, "device_event")
    with pytest.raises(ValueError, match="unknown filter"):
        parse_filter("colour=red")


def test_every_registered_kind_loads_and_an_unknown_one_is_named():
    assert {kind_of(name).name for name in KINDS} == set(KINDS)
    with pytest.raises(UnknownKind, match="one of eventbridge, iot, lake, tagoio, webhook"):
        kind_of("carrier-pigeon")


def test_kind_settings_are_checked_at_add():
    webhook, iot, bus = kind_of("webhook"), kind_of("iot"), kind_of("eventbridge")
    assert (
        webhook.configure({"url": "https://h.example.com/x", "headers": {"Authorization": "B x"}}, True)["timeout"]
        == 10
    )
    with pytest.raises(ValueError, match="set by Inlet"):
        webhook.configure({"url": "https://h.example.com/x", "headers": {"webhook-id": "x"}}, True)
    with pytest.raises(ValueError, match="between 1 and 30"):
        webhook.configure({"url": "https://h.example.com/x", "timeout": 90}, True)
    endpoint = {"endpoint": "abc-ats.iot.eu-west-1.amazonaws.com"}
    assert iot.configure(endpoint, True) == {"topic": "inlet/{tenant}/{serial}/up", **endpoint}
    with pytest.raises(ValueError, match="IoT data endpoint"):
        iot.configure({}, True)
    with pytest.raises(ValueError, match="start with inlet/"):
        iot.configure({"topic": "other/{serial}", **endpoint}, True)
    with pytest.raises(ValueError, match="may use"):
        iot.configure({"topic": "inlet/{secret}", **endpoint}, True)
    with pytest.raises(ValueError, match="event bus ARN"):
        bus.configure({"bus": "default"}, True)
