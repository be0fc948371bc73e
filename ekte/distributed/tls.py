"""TLS between the coordinator and a Dask cluster on other hosts.

A ``tls://`` scheduler address takes the ``[executor]`` settings
``tls_ca_file`` (the cluster's CA certificate), ``tls_cert_file`` (this
coordinator's certificate) and ``tls_key_file`` (its key: a file only its
owner may read, checked like every secret file of ekte).  They become
Dask's own :class:`distributed.Security` — mutual TLS: the scheduler and
the workers (started with ``--tls-ca-file/--tls-cert/--tls-key``) accept
only parties whose certificate the cluster's CA signed, and the
coordinator only a scheduler the CA signed.  Dask checks no host names
(its design: a CA of the cluster's own), so every certificate that CA
signs can join the cluster.

Before Dask connects (and retries until ``connect_timeout``), one TLS
handshake with the scheduler (:func:`probe`) turns a refused certificate
into one line that says which side refused what.
"""

from __future__ import annotations

import socket
import ssl
from pathlib import Path
from typing import Any

from ekte.errors import ConfigError

KEYS = ("tls_ca_file", "tls_cert_file", "tls_key_file")
TLS = "tls://"


def _certificate(key: str, value: str) -> str:
    p = Path(value).expanduser()
    try:
        data = p.read_bytes()
    except OSError:
        raise ConfigError(f"executor.{key}: cannot read {p}") from None
    if b"-----BEGIN CERTIFICATE-----" not in data:
        raise ConfigError(f"executor.{key}: {p} holds no PEM certificate")
    return str(p)


def security(settings: Any, address: str) -> Any | None:
    """Dask's :class:`~distributed.Security` for *address* from the
    ``[executor]`` *settings*, or None for a ``tcp://`` scheduler.  Raises
    :class:`ConfigError` naming the setting that is missing or wrong."""
    given = {k: getattr(settings, k) for k in KEYS if getattr(settings, k)}
    if not address.startswith(TLS):
        if given and address:
            raise ConfigError(f"executor.{next(iter(given))} is set, but the scheduler address {address} is not "
                              f"tls://; use tls://…")
        return None
    missing = [f"executor.{k}" for k in KEYS if k not in given]
    if missing:
        raise ConfigError(f"the Dask scheduler {address} needs TLS: set {', '.join(missing)} (the cluster's CA, "
                          f"this coordinator's certificate and its key)")
    from distributed import Security

    from ekte.connectors.common import secret

    ca = _certificate("tls_ca_file", given["tls_ca_file"])
    cert = _certificate("tls_cert_file", given["tls_cert_file"])
    # the key: readable by its owner only (and its content is not kept: Dask reads the file)
    if "PRIVATE KEY-----" not in (secret({"tls_key_file": given["tls_key_file"]}, "tls_key", "executor",
                                         section="executor") or ""):
        raise ConfigError(f"executor.tls_key_file: {given['tls_key_file']} holds no PEM private key")
    sec = Security(tls_ca_file=ca, tls_client_cert=cert, tls_client_key=str(Path(given["tls_key_file"]).expanduser()),
                   require_encryption=True)
    try:
        sec.get_connection_args("client")
    except (ssl.SSLError, OSError, ValueError) as e:
        why = getattr(e, "reason", None) or type(e).__name__
        raise ConfigError(f"executor.tls_cert_file/tls_key_file: cannot load them ({why}; does the key belong to "
                          f"the certificate?)") from None
    return sec


def _host_port(address: str) -> tuple[str, int]:
    from distributed.comm import parse_address, parse_host_port

    return parse_host_port(parse_address(address)[1], 8786)


def probe(address: str, sec: Any, timeout: float) -> None:
    """One TLS handshake with the scheduler: a certificate that either
    side refuses ends here with one line.  An unreachable scheduler is
    left to Dask (it retries until *timeout* and says so)."""
    host, port = _host_port(address)
    ctx = sec.get_connection_args("client")["ssl_context"]
    try:
        with socket.create_connection((host, port), timeout=min(timeout, 10)) as raw:
            with ctx.wrap_socket(raw, server_hostname=host) as s:
                # the scheduler speaks first; with TLS 1.3 a refused client certificate arrives here, as an alert
                first = s.recv(1)
    except ssl.SSLCertVerificationError as e:
        raise ConfigError(f"the Dask scheduler at {address} shows a certificate that executor.tls_ca_file does not "
                          f"vouch for ({e.verify_message})") from None
    except ssl.SSLError as e:
        why = (e.reason or type(e).__name__).lower().replace("_", " ")
        if "wrong version" in why or "record layer" in why or "packet length" in why:
            raise ConfigError(f"the Dask scheduler at {address} does not speak TLS ({why}); is it a tcp:// "
                              f"scheduler?") from None
        raise ConfigError(f"the Dask scheduler at {address} refused this coordinator's certificate ({why}); it must "
                          f"be signed by the CA the scheduler was started with (--tls-ca-file)") from None
    except OSError:
        return
    if not first:
        raise ConfigError(f"the Dask scheduler at {address} closed the TLS connection at once (certificate refused?)")
