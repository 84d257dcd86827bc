"""The SMTP transport's security settings against a real server: STARTTLS with a login,
implicit TLS, and a refusal to send to a server whose certificate it cannot trust."""
import ssl
import subprocess

import pytest
from aiosmtpd.smtp import AuthResult

from notifications.transports import SmtpTransport, TransportUnavailable
from tests.notifications.test_transports import email
from tests.reliability.helpers import SmtpSink


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def server_context(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def trusting(certificate) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


def login_only(user: str, password: str):
    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False)
    return check


def send(transport: SmtpTransport) -> None:
    try:
        transport.send(email())
    finally:
        transport.close()


def test_starttls_with_a_login_delivers(certificate):
    sink = SmtpSink(tls_context=server_context(certificate), require_starttls=True,
                    authenticator=login_only("casework", "s3cret"), auth_required=True).start()
    try:
        send(SmtpTransport("127.0.0.1", sink.port, "starttls", "casework", "s3cret", timeout=5,
                           ssl_context=trusting(certificate)))
        assert len(sink.messages()) == 1
    finally:
        sink.stop()


def test_a_wrong_password_stops_the_run_without_sending(certificate):
    sink = SmtpSink(tls_context=server_context(certificate), require_starttls=True, auth_exclude_mechanism=["LOGIN"],
                    authenticator=login_only("casework", "s3cret"), auth_required=True).start()
    try:
        with pytest.raises(TransportUnavailable):
            send(SmtpTransport("127.0.0.1", sink.port, "starttls", "casework", "wrong", timeout=5,
                               ssl_context=trusting(certificate)))
        assert sink.messages() == []
    finally:
        sink.stop()


def test_an_untrusted_certificate_is_refused(certificate):
    sink = SmtpSink(tls_context=server_context(certificate), require_starttls=True).start()
    try:
        with pytest.raises(TransportUnavailable):
            send(SmtpTransport("127.0.0.1", sink.port, "starttls", timeout=5))
        assert sink.messages() == []
    finally:
        sink.stop()


def test_implicit_tls_delivers(certificate):
    sink = SmtpSink(ssl_context=server_context(certificate)).start()
    try:
        send(SmtpTransport("127.0.0.1", sink.port, "tls", timeout=5, ssl_context=trusting(certificate)))
        assert len(sink.messages()) == 1
    finally:
        sink.stop()
