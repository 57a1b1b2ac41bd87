"""A webhook over HTTPS connects to the address its host resolved to and was checked (pinned), while TLS still
verifies the certificate against the URL's host name: a certificate for another name is refused."""

from __future__ import annotations

import datetime
import http.server
import socket
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from inlet.destinations import Context, Delivery, Destination, kind_of
from inlet.destinations.webhook import addresses, post, signing

pytestmark = pytest.mark.integration


def certificate(tmp_path, name: str):
    """A self-signed certificate for ``name`` (its own CA), written as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_file, key_file = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@pytest.fixture
def tls_receiver(tmp_path):
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            return

        def do_POST(self) -> None:
            received.append((self.headers["Host"], self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

    def start(name: str):
        cert_file, key_file = certificate(tmp_path, name)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_file, key_file)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1], cert_file

    servers: list = []
    yield start, received
    for server in servers:
        server.shutdown()


def send(port: int, monkeypatch, ca_file, resolved_to: str = "127.0.0.1"):
    real = socket.getaddrinfo

    def getaddrinfo(host, port_, *args, **kwargs):
        if host != "hooks.example.test":
            return real(host, port_, *args, **kwargs)  # the connection to the pinned address itself
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (resolved_to, port_))]

    monkeypatch.setattr(addresses.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(post, "_ca_bundle", lambda: str(ca_file))
    destination = Destination("acme", "d", "webhook", {"url": f"https://hooks.example.test:{port}/in", "timeout": 5})
    secret = signing.new_secret()
    context = Context(secrets=lambda: [secret], deployed=False)  # loopback allowed only because this is local
    return kind_of("webhook").send(destination, [Delivery("msg_" + "0" * 32, {"version": 1})], context)


def test_https_goes_to_the_checked_address_with_the_urls_name(tls_receiver, monkeypatch):
    start, received = tls_receiver
    port, ca_file = start("hooks.example.test")
    [answer] = send(port, monkeypatch, ca_file)
    assert answer.status == "delivered", answer
    assert received[0][0] == f"hooks.example.test:{port}"


def test_a_certificate_for_another_name_is_refused(tls_receiver, monkeypatch):
    start, received = tls_receiver
    port, ca_file = start("other.example.test")
    [answer] = send(port, monkeypatch, ca_file)
    assert answer.status == "retry" and answer.reason.startswith("webhook_unreachable") and received == []


def test_a_deployed_stack_never_connects_to_a_private_resolution(tls_receiver, monkeypatch):
    start, received = tls_receiver
    port, _ = start("hooks.example.test")
    monkeypatch.setattr(addresses.socket, "getaddrinfo", lambda host, p, type=0: [(2, 1, 6, "", ("10.1.2.3", p))])
    destination = Destination("acme", "d", "webhook", {"url": f"https://hooks.example.test:{port}/in"})
    [answer] = kind_of("webhook").send(
        destination, [Delivery("msg_" + "0" * 32, {})], Context(secrets=lambda: ["whsec_" + "A" * 44])
    )
    assert answer.status == "refused" and "private or reserved" in answer.reason and received == []
