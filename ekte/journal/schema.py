"""The journal's tables and the ordered list of migrations.

A new journal is created as schema 1 (the first release's tables) and then
brought up to date by the same migrations an existing working directory
goes through, so a fresh journal and an upgraded one are the same by
construction.  ``meta.schema_version`` says where a journal stands; a
journal newer than this code is refused (no downgrade)."""

from __future__ import annotations

import sqlite3
from typing import Callable

#: schema 1: the tables of the first release (ekte ≤ 0.x with the flock)
SCHEMA_1 = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS documents (
        sha256 TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, source TEXT NOT NULL, media_type TEXT,
        state TEXT NOT NULL, doctype TEXT, confidence REAL, pages INTEGER, archive_path TEXT,
        error_code TEXT, error_message TEXT, first_seen TEXT NOT NULL, updated TEXT NOT NULL, run_id INTEGER)""",
    "CREATE INDEX IF NOT EXISTS documents_state ON documents(state)",
    """CREATE TABLE IF NOT EXISTS events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, time TEXT NOT NULL,
        stage TEXT NOT NULL, event TEXT NOT NULL, detail TEXT)""",
    """CREATE TABLE IF NOT EXISTS exports (
        doc_id TEXT NOT NULL, connector TEXT NOT NULL, location TEXT NOT NULL, time TEXT NOT NULL,
        PRIMARY KEY (doc_id, connector))""",
    """CREATE TABLE IF NOT EXISTS runs (
        run_id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, finished TEXT, command TEXT, summary TEXT)""",
    "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS assigned (sha256 TEXT PRIMARY KEY, aktenzeichen TEXT NOT NULL, time TEXT NOT NULL)",
]


def _to_2(db: sqlite3.Connection) -> None:
    """Many processes on one working directory: processes with leases,
    claims, persistent export groups, pending Aktenzeichen numbers, worker
    attempts; archive paths relative to the working directory (a working
    directory may be moved or restored elsewhere)."""
    for stmt in (
        "ALTER TABLE documents ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
        "UPDATE documents SET archive_path = 'archive/' || substr(id, 1, 2) || '/' || id WHERE archive_path IS NOT NULL",
        "ALTER TABLE runs ADD COLUMN owner TEXT",
        "ALTER TABLE counters ADD COLUMN holder TEXT",
        "ALTER TABLE assigned ADD COLUMN counter TEXT",
        "ALTER TABLE assigned ADD COLUMN state TEXT NOT NULL DEFAULT 'used'",
        "ALTER TABLE assigned ADD COLUMN owner TEXT",
        "CREATE INDEX IF NOT EXISTS events_doc ON events(doc_id)",
        """CREATE TABLE processes (
            token TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, command TEXT,
            started TEXT NOT NULL, heartbeat REAL NOT NULL, lease_until REAL NOT NULL, info TEXT)""",
        """CREATE TABLE claims (
            key TEXT PRIMARY KEY, owner TEXT NOT NULL, since TEXT NOT NULL)""",
        "CREATE INDEX claims_owner ON claims(owner)",
        """CREATE TABLE export_groups (
            gid INTEGER PRIMARY KEY AUTOINCREMENT, connector TEXT NOT NULL, key TEXT NOT NULL, size INTEGER,
            state TEXT NOT NULL, owner TEXT, opened TEXT NOT NULL, closed TEXT)""",
        "CREATE UNIQUE INDEX export_groups_open ON export_groups(connector, key) WHERE state = 'open'",
        """CREATE TABLE group_members (
            gid INTEGER NOT NULL, sha256 TEXT NOT NULL, doc_id TEXT NOT NULL, idx INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (gid, sha256))""",
    ):
        db.execute(stmt)


def _to_3(db: sqlite3.Connection) -> None:
    """E-mail intake: the messages taken from a mailbox (or .eml files), by
    the SHA-256 of their bytes and of their Message-ID (ekte.journal.mail)."""
    db.execute("""CREATE TABLE mail_messages (
        key TEXT PRIMARY KEY, sha256 TEXT NOT NULL, msgid_hash TEXT NOT NULL DEFAULT '', account TEXT,
        state TEXT NOT NULL, detail TEXT, first_seen TEXT NOT NULL, updated TEXT NOT NULL)""")
    db.execute("CREATE INDEX mail_messages_sha ON mail_messages(sha256)")
    db.execute("CREATE INDEX mail_messages_msgid ON mail_messages(msgid_hash)")


def _to_4(db: sqlite3.Connection) -> None:
    """The audit trail (ekte.journal.audit): who (``actor``), which field,
    old → new as columns — the review actions' JSON detail moved into
    them — and the hash chain over every event; the existing events are
    chained now (the chain proves nothing about the time before this
    upgrade: ``meta.audit_since`` is the last event from before it).
    Tombstones of documents deleted at the end of their retention.  The
    clerk's station's partial index of put-back events, which it created
    on the fly until now."""
    from ekte.journal import audit

    for col in ("actor TEXT", "field TEXT", "old TEXT", "new TEXT", "prev_doc TEXT", "digest TEXT", "hash TEXT",
                "redacted INTEGER NOT NULL DEFAULT 0"):
        db.execute(f"ALTER TABLE events ADD COLUMN {col}")
    db.execute("""CREATE TABLE tombstones (
        doc_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, doctype TEXT, received TEXT, deleted TEXT NOT NULL,
        retention_ends TEXT, reason TEXT NOT NULL, actor TEXT NOT NULL, forced INTEGER NOT NULL DEFAULT 0)""")
    db.execute("CREATE INDEX IF NOT EXISTS events_review_deferred ON events(doc_id) "
               "WHERE stage = 'review' AND event = 'deferred'")
    audit.chain_existing(db)
    last = db.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
    db.execute("INSERT INTO meta VALUES ('audit_since', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
               (str(last),))


def _to_5(db: sqlite3.Connection) -> None:
    """The clerk's station's state that every ``ekte serve`` process on the
    working directory shares (not kept in one process's memory): who has a
    document of the review queue open (``ekte.serve.presence``; a notice,
    never a lock) and the failed logins (``ekte.serve.throttle``; keyed by a
    hash of the user name and the client, no name or address in clear)."""
    db.execute("""CREATE TABLE review_open (
        doc_id TEXT NOT NULL, user TEXT NOT NULL, since REAL NOT NULL, seen REAL NOT NULL, visit TEXT NOT NULL,
        PRIMARY KEY (doc_id, user))""")
    db.execute("""CREATE TABLE login_failures (
        key TEXT PRIMARY KEY, times TEXT NOT NULL, until REAL NOT NULL DEFAULT 0, updated REAL NOT NULL)""")


def _to_6(db: sqlite3.Connection) -> None:
    """An index on ``tombstones.sha256``: every intake asks whether its
    bytes were deleted by retention before (``Journal.tombstone_by_sha``),
    which scanned the whole table."""
    db.execute("CREATE INDEX IF NOT EXISTS tombstones_sha256 ON tombstones(sha256)")


def _to_7(db: sqlite3.Connection) -> None:
    """Every place a document was exported to (fresh30 G1): the key of
    ``exports`` was (document, connector), so a second export by the same
    connector (``ekte export --force`` to another folder or system)
    overwrote the first place and ``ekte retention delete`` left that copy
    behind, named nowhere.  Now one row per (document, connector, place);
    the newest row of a connector is the place shown and asked again."""
    db.execute("ALTER TABLE exports RENAME TO exports_6")
    db.execute("""CREATE TABLE exports (
        doc_id TEXT NOT NULL, connector TEXT NOT NULL, location TEXT NOT NULL, time TEXT NOT NULL,
        PRIMARY KEY (doc_id, connector, location))""")
    db.execute("INSERT INTO exports SELECT doc_id, connector, location, time FROM exports_6 ORDER BY time, rowid")
    db.execute("DROP TABLE exports_6")


#: (version reached, what it does): applied in order, each in the same transaction as the version bump
MIGRATIONS: list[tuple[int, Callable[[sqlite3.Connection], None]]] = [
    (2, _to_2),
    (3, _to_3),
    (4, _to_4),
    (5, _to_5),
    (6, _to_6),
    (7, _to_7),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


class NewerSchema(Exception):
    def __init__(self, found: int):
        super().__init__(f"the journal has schema {found}, newer than this ekte supports ({SCHEMA_VERSION}); "
                         "upgrade ekte")
        self.found = found


def current_version(db: sqlite3.Connection) -> int:
    if db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone() is None:
        return 0
    row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return int(row[0]) if row else 1


def migrate(db: sqlite3.Connection) -> list[int]:
    """Bring the journal to :data:`SCHEMA_VERSION` (the caller holds a write
    transaction).  Returns the versions applied."""
    version = current_version(db)
    if version > SCHEMA_VERSION:
        raise NewerSchema(version)
    if version == 0:
        for stmt in SCHEMA_1:
            db.execute(stmt)
        version = 1
    applied = []
    for target, step in MIGRATIONS:
        if target > version:
            step(db)
            version = target
            applied.append(target)
    db.execute("INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
               (str(version),))
    return applied
