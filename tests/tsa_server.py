"""An RFC 3161 time-stamping authority for the tests: a real HTTP server on
loopback whose answers are made by ``openssl ts -reply`` (OpenSSL's TSA
implementation) from the request bytes the client sent, signed with the
test PKI's TSA certificate.  Nothing about the protocol is imitated: the
request is parsed and the reply built by OpenSSL.

Faults for the tests: ``server.mode = "error"`` answers HTTP 500,
``"garbage"`` answers 200 with bytes that are no TimeStampResp."""

from __future__ import annotations

import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CONFIG = """\
[ tsa ]
default_tsa = ekte_test_tsa

[ ekte_test_tsa ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = {cert}
certs = {ca}
signer_key = {key}
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1.1
other_policies = 1.3.6.1.4.1.99999.1.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


class TsaServer:
    def __init__(self, pki, workdir: Path):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "serial").write_text("01\n")
        self.config = self.dir / "tsa.cnf"
        self.config.write_text(CONFIG.format(dir=self.dir, cert=pki.tsa_cert, ca=pki.ca_cert, key=pki.tsa_key))
        self.mode = "ok"
        self.requests = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_POST(self):  # noqa: N802
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                with server._lock:
                    server.requests += 1
                    mode = server.mode
                if self.headers.get("Content-Type") != "application/timestamp-query":
                    return self._send(415, b"wrong content type", "text/plain")
                if mode == "error":
                    return self._send(500, b"TSA down", "text/plain")
                if mode == "garbage":
                    return self._send(200, b"\x30\x03\x02\x01\x07", "application/timestamp-reply")
                reply = server.reply(body)
                if reply is None:
                    return self._send(400, b"bad request", "text/plain")
                self._send(200, reply, "application/timestamp-reply")

            def _send(self, code: int, data: bytes, ctype: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def reply(self, query: bytes) -> bytes | None:
        with self._lock, tempfile.TemporaryDirectory(dir=self.dir) as tmp:
            q, r = Path(tmp) / "q.tsq", Path(tmp) / "r.tsr"
            q.write_bytes(query)
            p = subprocess.run(["openssl", "ts", "-reply", "-config", str(self.config), "-queryfile", str(q),
                                "-out", str(r)], capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
            return r.read_bytes() if p.returncode == 0 and r.is_file() else None

    def __enter__(self) -> "TsaServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
