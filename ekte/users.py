"""Users, roles and API tokens of the clerk's station, kept in the working
directory (``users.json``, mode 0600, written atomically under a lock).

Passwords are hashed with Argon2id (argon2-cffi: the password-hashing
competition's winner, salted, memory-hard, with parameters it upgrades
itself — better than anything hand-written).  API tokens are random
(``ekte_<id>_<secret>``), shown once and stored as SHA-256 only, each
with scopes no wider than its user's role.

Roles: ``viewer`` (statistics), ``clerk`` (the review queue, history,
statistics), ``admin`` (everything: quarantine, users), ``intake`` (a system
account that only submits documents over HTTP; issue 15).  Scopes:
``review``, ``history``, ``stats``, ``quarantine``, ``users``, ``intake``
(the HTTP intake of issue 15)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any, Iterator

from ekte import fsutil
from ekte.errors import ConfigError
from ekte.model import now_iso

USERS_FILE = "users.json"
SECRET_FILE = "serve-secret"
ROLES = {
    "viewer": ("stats",),
    "clerk": ("review", "history", "stats"),
    "admin": ("review", "history", "stats", "quarantine", "users", "intake"),
    "intake": ("intake",),  # a system account (RPA bot, Fachverfahren) that only submits documents
}
SCOPES = ("review", "history", "stats", "quarantine", "users", "intake")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MIN_PASSWORD = 8


class UserRefused(ConfigError):
    """A user that was not added; *code* says why (``name``, ``role``, ``password``, ``exists``) for a translated
    message (the station's users page)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


class Users:
    """The user file of one working directory.  Every change is read →
    modify → atomic write under an exclusive lock; reads are lock-free."""

    def __init__(self, workdir: Path | str):
        self.workdir = Path(workdir)
        self.path = self.workdir / USERS_FILE

    # -- storage
    def load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {"version": 1, "users": {}, "tokens": {}}
        except (OSError, ValueError) as e:
            raise ConfigError(f"{self.path} cannot be read ({type(e).__name__})") from None
        data.setdefault("users", {})
        data.setdefault("tokens", {})
        return data

    @contextlib.contextmanager
    def _change(self) -> Iterator[dict[str, Any]]:
        self.workdir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.workdir / (USERS_FILE + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            data = self.load()
            yield data
            with fsutil.atomic_writer(self.path) as f:  # mkstemp: mode 0600 from the start
                f.write(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
        finally:
            os.close(fd)

    # -- users
    def add(self, name: str, role: str, password: str, *, replace: bool = False) -> None:
        if not NAME.fullmatch(name or ""):
            raise UserRefused("name", f"'{name}' is not a valid user name (letters, digits, . _ @ -; at most 64)")
        if role not in ROLES:
            raise UserRefused("role", f"unknown role '{role}' (known: {', '.join(ROLES)})")
        if len(password or "") < MIN_PASSWORD:
            raise UserRefused("password", f"the password must have at least {MIN_PASSWORD} characters")
        digest = _hasher().hash(password)
        with self._change() as data:
            if name in data["users"] and not replace:
                raise UserRefused("exists", f"user '{name}' exists already (use --replace to set a new password or role)")
            # a new password ends every session of the old one (the stamp is kept in each session cookie)
            data["users"][name] = {"role": role, "hash": digest, "created": now_iso(), "stamp": secrets.token_hex(8)}

    def remove(self, name: str) -> None:
        with self._change() as data:
            if data["users"].pop(name, None) is None:
                raise ConfigError(f"no user '{name}'")
            data["tokens"] = {k: t for k, t in data["tokens"].items() if t["user"] != name}

    def get(self, name: str) -> dict[str, Any] | None:
        u = self.load()["users"].get(name)
        return None if u is None else {"name": name, **{k: v for k, v in u.items() if k != "hash"},
                                       "stamp": _stamp(u)}

    def list(self) -> list[dict[str, Any]]:
        data = self.load()
        tokens: dict[str, int] = {}
        for t in data["tokens"].values():
            tokens[t["user"]] = tokens.get(t["user"], 0) + 1
        return [{"name": n, "role": u["role"], "created": u.get("created"), "tokens": tokens.get(n, 0)}
                for n, u in sorted(data["users"].items())]

    def verify(self, name: str, password: str) -> dict[str, Any] | None:
        """The user if *password* is theirs (the hash is upgraded when its
        parameters are outdated), else None — in the same time either way."""
        from argon2.exceptions import InvalidHashError, VerificationError

        ph = _hasher()
        u = self.load()["users"].get(name)
        digest = u["hash"] if u else (_DUMMY.get("hash") or _dummy())
        try:
            ph.verify(digest, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if u is None:
            return None
        if ph.check_needs_rehash(digest):
            with self._change() as data:
                if name in data["users"]:
                    data["users"][name]["hash"] = ph.hash(password)
        return {"name": name, "role": u["role"], "stamp": _stamp(u)}

    # -- tokens
    def new_token(self, name: str, scopes: list[str] | None = None) -> str:
        """A new API token for *name* (printed once; only its hash is kept)."""
        with self._change() as data:
            u = data["users"].get(name)
            if u is None:
                raise ConfigError(f"no user '{name}'")
            allowed = ROLES[u["role"]]
            want = list(dict.fromkeys(scopes or allowed))
            bad = [s for s in want if s not in allowed]
            if bad:
                raise ConfigError(f"scope {', '.join(bad)} is beyond the role {u['role']} "
                                  f"(allowed: {', '.join(allowed)})")
            tid, secret = secrets.token_hex(4), secrets.token_urlsafe(24)
            data["tokens"][tid] = {"user": name, "hash": hashlib.sha256(secret.encode()).hexdigest(),
                                   "scopes": want, "created": now_iso()}
        return f"ekte_{tid}_{secret}"

    def check_token(self, token: str) -> dict[str, Any] | None:
        """The user and scopes of a valid token, else None."""
        m = re.fullmatch(r"ekte_([0-9a-f]{8})_([A-Za-z0-9_\-]{16,64})", token or "")
        if not m:
            return None
        data = self.load()
        t = data["tokens"].get(m[1])
        if t is None or not hmac.compare_digest(t["hash"], hashlib.sha256(m[2].encode()).hexdigest()):
            return None
        u = data["users"].get(t["user"])
        if u is None:
            return None
        scopes = [s for s in t["scopes"] if s in ROLES[u["role"]]]
        return {"name": t["user"], "role": u["role"], "scopes": scopes, "token": m[1]}

    def revoke(self, token_id: str) -> None:
        with self._change() as data:
            if data["tokens"].pop(token_id, None) is None:
                raise ConfigError(f"no token {token_id}")


_DUMMY: dict[str, str] = {}


def _stamp(u: dict[str, Any]) -> str:
    """What a session must hold to stay valid: new with every password set (older files: the time it was set)."""
    return str(u.get("stamp") or u.get("created") or "")


def _dummy() -> str:
    """A hash to verify against for unknown users (same time as a real one)."""
    _DUMMY["hash"] = _hasher().hash(secrets.token_hex(16))
    return _DUMMY["hash"]


def session_secret(workdir: Path | str) -> bytes:
    """The key that signs the station's session cookies: made once per
    working directory (``serve-secret``, 0600), so sessions survive a restart."""
    path = Path(workdir) / SECRET_FILE
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        pass
    Path(workdir).mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600) if not path.exists() else None
    if fd is not None:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def permissions(role: str) -> tuple[str, ...]:
    return ROLES.get(role, ())
