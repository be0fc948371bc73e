"""A real IMAP server for the tests: Debian's dovecot with a throw-away
configuration — its own ports on 127.0.0.1 (IMAP and IMAPS with a
self-signed certificate made here), one passwd-file user, mail in a
temporary Maildir.  Mail is appended and checked with ``imaplib``."""

import datetime as dt
import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER, PASSWORD = "poststelle", "geheim-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost (its own CA)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ekte test IMAP")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    c, k = folder / "cert.pem", folder / "key.pem"
    c.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    k.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    k.chmod(0o600)
    return c, k


class Dovecot:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="ekte-dovecot-"))
        self.dir.chmod(0o755)  # the mail user must reach its home below it
        self.port, self.ssl_port = free_port(), free_port()
        self.cert, self.key = make_cert(self.dir)
        self.proc: subprocess.Popen | None = None

    def _users(self) -> tuple[str, str, str]:
        """(internal user, login user, mail user): dovecot's own users when run as root, else oneself."""
        me = pwd.getpwuid(os.getuid()).pw_name
        if os.getuid() != 0:
            return me, me, me
        return "dovecot", "dovenull", "dovecot"

    def config(self) -> Path:
        internal, login, mailuser = self._users()
        pw = pwd.getpwnam(mailuser)
        home = self.dir / "home"
        home.mkdir(exist_ok=True)
        os.chown(home, pw.pw_uid, pw.pw_gid)
        (self.dir / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:::::\n")
        (self.dir / "passwd").chmod(0o644)  # dovecot's auth user reads it, whatever the umask
        chroot = "" if os.getuid() != 0 else "login"
        conf = self.dir / "dovecot.conf"
        conf.write_text(f"""
base_dir = {self.dir}/run
state_dir = {self.dir}/state
log_path = {self.dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_internal_user = {internal}
default_login_user = {login}
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{self.key}
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = {pw.pw_uid}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.dir}/passwd
}}
userdb {{
  driver = static
  args = uid={pw.pw_uid} gid={pw.pw_gid} home={home}/%u
}}
service imap-login {{
  chroot = {chroot}
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.ssl_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
""")
        return conf

    def start(self) -> "Dovecot":
        exe = shutil.which("dovecot") or "/usr/sbin/dovecot"
        self.proc = subprocess.Popen([exe, "-F", "-c", str(self.config())], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"dovecot did not start: {self.proc.stderr.read().decode()[-2000:]}\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
            except OSError:
                time.sleep(0.1)
                continue
            try:  # the port opens before dovecot's auth process answers ("[UNAVAILABLE] Temporary
                self.client().logout()  # authentication failure" on a loaded machine): wait for a login
                return self
            except (imaplib.IMAP4.error, OSError):
                time.sleep(0.2)
        raise RuntimeError(f"dovecot did not open its port or take a login: {self.log()}")

    def log(self) -> str:
        p = self.dir / "dovecot.log"
        return p.read_text(errors="replace")[-3000:] if p.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- the test's own IMAP client
    def client(self) -> imaplib.IMAP4:
        c = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        c.login(USER, PASSWORD)
        return c

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        c = self.client()
        try:
            typ, _ = c.append(folder, None, None, raw)
            assert typ == "OK"
        finally:
            c.logout()

    def messages(self, folder: str) -> list[bytes]:
        """The messages in *folder* (empty when it does not exist)."""
        c = self.client()
        try:
            typ, _ = c.select(f'"{folder}"', readonly=True)
            if typ != "OK":
                return []
            typ, data = c.uid("SEARCH", None, "UNDELETED")
            out = []
            for uid in (data[0] or b"").split():
                typ, d = c.uid("FETCH", uid, "(BODY.PEEK[])")
                out.append(next(x[1] for x in d if isinstance(x, tuple)))
            return out
        finally:
            c.logout()
