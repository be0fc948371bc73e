"""CMIS 1.1 Browser Binding export (Alfresco, Nuxeo, OpenText, …).

For each document: find it by its SHA-256 (a query on the secondary type's
hash property) — if it is there, it is "already exported"; otherwise
create the folder path from the template, then ``createDocument`` with the
content stream, ``cmis:name``/``cmis:objectTypeId``/``cmis:description``
and ekte's metadata as properties of a secondary type (in one request, so
the repository never holds a document without its metadata).  A name
taken by another document gets `` (2)``, `` (3)``, … before the extension;
a name taken meanwhile by this document (or another archival copy of its
original), exported at the same time from another working directory, is
"already exported": after a name conflict the object of that name and the
hash queries are asked again — the repository's refusal of a second name
in a folder (409) is what makes two exports at once store one object.

Errors: network trouble, timeouts, 5xx and 429 are transient (retried by
the pipeline with back-off) — after ``breaker_failures`` connection
failures in a row the connector pauses (:mod:`ekte.connectors.breaker`); 401/403, unknown types and constraint
violations are not, and say what to fix.  The password comes from
``password_env`` or ``password_file`` only.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from ekte import __version__
from ekte.connectors.base import Connector, ExportError, ExportResult
from ekte.connectors.breaker import Breaker
from ekte.connectors.cmis_form import multipart, urlencoded
from ekte.connectors.common import RECORD_KEYS, expand, record, safe_name, secret
from ekte.errors import ConfigError
from ekte.stages.archive import ARCHIVE_PDF

if TYPE_CHECKING:  # pragma: no cover
    import httpx

DEFAULT_PROPERTIES = {
    "ekte:sha256": "sha256",
    "ekte:originalSha256": "original_sha256",
    "ekte:id": "id",
    "ekte:doctype": "doctype",
    "ekte:aktenzeichen": "aktenzeichen",
    "ekte:aktenplan": "aktenplan",
    "ekte:received": "received_date",  # the receipt date (a trusted received stamp, else the intake day)
    "ekte:pages": "pages",
    "ekte:retentionYears": "retention_years",
}
_DATETIME_KEYS = {k for k, t in RECORD_KEYS.items() if t in ("dateTime", "date")}


def _ms(value: str) -> str:
    """ISO date/datetime → epoch milliseconds (the Browser Binding's datetime)."""
    dt = datetime.fromisoformat(value if "T" in value else value + "T00:00:00+00:00")
    return str(int(dt.timestamp() * 1000))


def cmis_literal(value: str, like: bool = False) -> str:
    """*value* as a quoted CMIS-QL string literal (CMIS 1.1 part I,
    2.1.14.2.4.1): ``\\`` and ``'`` escaped with a backslash; in a LIKE
    pattern also ``%`` and ``_``, which are wildcards there."""
    v = value.replace("\\", "\\\\").replace("'", "\\'")
    if like:
        v = v.replace("%", "\\%").replace("_", "\\_")
    return f"'{v}'"


def _json(r: httpx.Response) -> Any:
    """The answer's JSON; an ExportError saying what came instead (a login page of a proxy in front)."""
    try:
        return r.json()
    except ValueError:
        ctype = r.headers.get("content-type", "").split(";")[0].strip() or "no content type"
        what = "an HTML page" if "html" in ctype else "something that is not JSON"
        raise ExportError(f"the CMIS URL answered with {what} ({ctype}), not the Browser Binding's JSON — check "
                          "connectors.cmis.url, or a login page of a proxy in front of the DMS") from None


def tls_context(config: dict[str, Any]) -> Any:
    """What the HTTP client verifies the server's certificate with: the system's CAs, or *ca_file*'s
    (a county's own CA); no check at all with ``verify_tls = false``."""
    import ssl

    if not config["verify_tls"]:
        return False
    try:
        return ssl.create_default_context(cafile=str(config["ca_file"]) or None)
    except (OSError, ssl.SSLError) as e:
        raise ConfigError(f"connectors.cmis.ca_file: cannot read {config['ca_file']} as PEM CA certificates "
                          f"({type(e).__name__})") from None


def tls_problem(e: BaseException, url: str) -> str | None:
    """A TLS failure behind *e*, in words (None: it is something else)."""
    import ssl

    seen = 0
    while e is not None and seen < 6 and not isinstance(e, ssl.SSLError):
        e, seen = e.__cause__ or e.__context__, seen + 1  # type: ignore[assignment]
    if not isinstance(e, ssl.SSLError):
        return None
    u = urlsplit(url)  # (without a user:password@ a URL might carry)
    where = f"{u.scheme}://{u.netloc.rpartition('@')[2]}"
    if isinstance(e, ssl.SSLCertVerificationError):
        return (f"the certificate of {where} is not trusted: {e.verify_message or e.reason}; "
                "set connectors.cmis.ca_file to the CA certificate (PEM) that issued it")
    if e.reason == "WRONG_VERSION_NUMBER":
        return f"{where} does not speak TLS (an https:// URL to a plain-HTTP port?)"
    return None  # (a handshake cut short: cannot be reached, retried)


class CmisConnector(Connector):
    name = "cmis"
    settings: dict[str, Any] = {
        "url": "",  # the Browser Binding service URL, e.g. https://dms/alfresco/api/-default-/public/cmis/versions/1.1/browser
        "repository": "",  # repository id; default: the first one
        "username": "",
        "password_env": "",
        "password_file": "",
        "folder": "/Eingang/{aktenplan}/{aktenzeichen}",
        "name": "{doctype}_{id}.pdf",
        "object_type": "cmis:document",
        "folder_type": "cmis:folder",
        "secondary_type": "ekte:metadata",
        "hash_property": "ekte:sha256",
        "properties": {},  # CMIS property → record key; default DEFAULT_PROPERTIES
        "description": "betreff",
        "timeout": 30.0,
        "ca_file": "",  # CA certificates (PEM) to trust instead of the system's: a county's own CA
        "verify_tls": True,  # false: no certificate check at all (a test set-up only)
        "breaker_failures": 3,  # connection failures in a row (ekte.connectors.breaker) …
        "breaker_cooldown": 300.0,  # … after which no request is made for this many seconds
    }

    @classmethod
    def check(cls, config: dict[str, Any]) -> None:
        if not config["url"]:
            raise ConfigError("connectors.cmis.url: the repository's Browser Binding URL is needed")
        scheme = urlsplit(str(config["url"])).scheme.lower()
        if scheme not in ("http", "https"):
            raise ConfigError(f"connectors.cmis.url: an http:// or https:// URL of the Browser Binding is needed, "
                              f"not {scheme + '://' if scheme else 'a URL without a scheme'}")
        props = dict(config["properties"] or DEFAULT_PROPERTIES)
        for p, k in props.items():
            if k not in RECORD_KEYS:
                raise ConfigError(f"connectors.cmis.properties.{p}: unknown key '{k}'")
        if config["hash_property"] not in props:
            raise ConfigError("connectors.cmis.hash_property must be one of the mapped properties")

    def __init__(self, config, workdir, profile):
        super().__init__(config, workdir, profile)
        self.props = dict(self.config["properties"] or DEFAULT_PROPERTIES)
        if self.config.get("password"):
            secret(self.config, "password", "cmis")  # (refused: secrets are not read from profiles)
        self._client: httpx.Client | None = None
        self._verify = tls_context(self.config)  # (a CA file that cannot be read: said at once)
        self.info: dict[str, Any] | None = None
        self.folders: dict[str, str] = {}
        self.breaker = Breaker(self.name, int(self.config["breaker_failures"]), float(self.config["breaker_cooldown"]))

    @property
    def client(self) -> httpx.Client:
        """The HTTP client, made when the connector first talks to the DMS: the password is read then, so
        commands that export nothing (review, history) do not need it (fresh43 F5)."""
        if self._client is None:
            try:
                password = secret(self.config, "password", "cmis")
            except ConfigError as e:
                raise ExportError(str(e)) from None  # (not retried: a set-up to fix)
            auth = (self.config["username"], password or "") if self.config["username"] else None
            import httpx  # here, not at the top: every session lists the connectors, few use CMIS

            self._client = httpx.Client(auth=auth, timeout=float(self.config["timeout"]),
                                        verify=self._verify, follow_redirects=False,
                                        headers={"User-Agent": f"ekte/{__version__}"})
        return self._client

    # -- HTTP with the CMIS error model
    def _call(self, method: str, url: str, **kw: Any) -> httpx.Response:
        import httpx

        self.breaker.check()  # a DMS that failed N times in a row: not asked for a while (no retries)
        bad = down = None
        try:
            r = self.client.request(method, url, **kw)
        except httpx.TimeoutException:
            down = "CMIS server did not answer in time"
        except httpx.TransportError as e:
            bad = tls_problem(e, self.config["url"])
            down = None if bad else f"CMIS server not reachable ({type(e).__name__})"
        # raised out here: an SSL error (errno 1) as their context read as "permission denied" (fresh37 F7)
        if down is not None:
            raise self.breaker.failed(down)
        self.breaker.answered()
        if bad is not None:
            raise ExportError(bad)  # a set-up to fix, not an outage: not retried
        if r.status_code < 400:
            return r
        exc = ""
        try:
            exc = r.json().get("exception", "")
        except (ValueError, AttributeError):
            pass
        if r.status_code == 401:
            raise ExportError("CMIS authentication failed (401): check username and password_env/password_file")
        if r.status_code == 403:
            raise ExportError(f"CMIS permission denied (403{', ' + exc if exc else ''})")
        if r.status_code in (429, 502, 503, 504) or r.status_code >= 500:
            raise ExportError(f"CMIS server error {r.status_code}{' ' + exc if exc else ''}", transient=True)
        err = ExportError(f"CMIS {exc or 'error'} ({r.status_code})")
        err.status, err.exception = r.status_code, exc  # type: ignore[attr-defined]
        raise err

    def _repo(self) -> dict[str, Any]:
        if self.info is None:
            try:
                infos = _json(self._call("GET", self.config["url"]))
            except ExportError as e:
                if getattr(e, "status", None) == 404:
                    raise ExportError("CMIS: nothing at connectors.cmis.url (404): check the Browser Binding URL "
                                      "(…/cmis/versions/1.1/browser)") from None
                raise
            if not isinstance(infos, dict):
                raise ExportError("CMIS: connectors.cmis.url did not answer with the Browser Binding's repositories")
            rid = self.config["repository"] or next(iter(infos), None)
            if not rid or rid not in infos:
                raise ExportError(f"CMIS repository '{rid}' not found at the service URL")
            info = infos[rid]
            t = self._type(info, self.config["secondary_type"]) if self.config["secondary_type"] else None
            if t is not None:
                defs = t.get("propertyDefinitions", {})
                missing = [p for p in self.props if p not in defs]
                if missing:
                    raise ExportError(f"secondary type {self.config['secondary_type']} lacks {', '.join(missing)}")
            self.info = info
        return self.info

    def _type(self, info: dict[str, Any], type_id: str) -> dict[str, Any]:
        try:
            return _json(self._call("GET", info["repositoryUrl"], params={"cmisselector": "typeDefinition",
                                                                          "typeId": type_id}))
        except ExportError as e:
            if getattr(e, "status", None) == 404:
                raise ExportError(f"CMIS: the repository has no type {type_id} (connectors.cmis.secondary_type; "
                                  "create it in the DMS or name the one it has)") from None
            raise

    def _object_by_path(self, path: str) -> dict[str, Any] | None:
        url = self._repo()["rootFolderUrl"] + quote(path)
        try:
            return _json(self._call("GET", url, params={"cmisselector": "object", "succinct": "true"}))
        except ExportError as e:
            if getattr(e, "status", None) == 404:
                return None
            raise

    @staticmethod
    def _prop(obj: dict[str, Any], pid: str) -> Any:
        """A property's value, from the succinct (``{id: value}``) or the full shape."""
        if "succinctProperties" in obj:
            return obj["succinctProperties"].get(pid)
        p = obj.get("properties", {}).get(pid) or {}
        return p.get("value")

    def _post(self, parent_id: str, action: str, props: dict[str, Any], content: Path | None = None,
              filename: str = "") -> dict[str, Any]:
        data: dict[str, str] = {"cmisaction": action, "objectId": parent_id, "succinct": "true"}
        for i, (pid, val) in enumerate(props.items()):
            data[f"propertyId[{i}]"] = pid
            if isinstance(val, list):
                for j, v in enumerate(val):
                    data[f"propertyValue[{i}][{j}]"] = str(v)
            else:
                data[f"propertyValue[{i}]"] = str(val)
        url = self._repo()["rootFolderUrl"]
        if content is None:
            headers, body = urlencoded(data)
            return _json(self._call("POST", url, headers=headers, content=body))
        headers, chunks = multipart(data, content, filename, "application/pdf")
        return _json(self._call("POST", url, headers=headers, content=chunks))

    def _ensure_folder(self, path: str) -> str:
        if path in self.folders:
            return self.folders[path]
        cur_path, cur_id = "", self._repo()["rootFolderId"]
        for seg in [s for s in path.split("/") if s]:
            cur_path += "/" + seg
            if cur_path in self.folders:
                cur_id = self.folders[cur_path]
                continue
            obj = self._object_by_path(cur_path)
            if obj is None:
                try:
                    obj = self._post(cur_id, "createFolder", {"cmis:name": seg,
                                                               "cmis:objectTypeId": self.config["folder_type"]})
                except ExportError as e:
                    if getattr(e, "exception", "") not in ("nameConstraintViolation", "contentAlreadyExists"):
                        raise
                    obj = self._object_by_path(cur_path)  # someone else created it meanwhile
                    if obj is None:
                        raise
            if self._prop(obj, "cmis:baseTypeId") != "cmis:folder":
                raise ExportError(f"CMIS path {cur_path} exists but is not a folder")
            cur_id = self._prop(obj, "cmis:objectId")
            self.folders[cur_path] = cur_id
        return cur_id

    def query(self, where: str) -> list[dict[str, Any]]:
        """The objects of the secondary (else the object) type matching a
        CMIS-QL condition (values quoted with :func:`cmis_literal`)."""
        st = self.config["secondary_type"] or self.config["object_type"]
        q = f"SELECT cmis:objectId, cmis:name FROM {st} WHERE {where}"
        headers, body = urlencoded({"cmisaction": "query", "statement": q, "succinct": "true"})
        res = _json(self._call("POST", self._repo()["repositoryUrl"], headers=headers, content=body))
        return res.get("results") or []

    def find(self, sha: str) -> dict[str, Any] | None:
        results = self.query(f"{self.config['hash_property']} = {cmis_literal(sha)}")
        return results[0] if results else None

    def same_original(self, rec: dict[str, Any]) -> ExportResult | None:
        """The DMS's object of another archival copy of the same original (fresh37 F8: the document
        ingested again in a second working directory, or after an archive loss; its PDF/A differs by
        time stamps), found by the property the original's SHA-256 is mapped to: "already exported"."""
        prop = next((p for p, k in self.props.items() if k == "original_sha256"), None)
        found = self.query(f"{prop} = {cmis_literal(rec['original_sha256'])}") if prop else []
        if not found:
            return None
        return ExportResult(f"cmis:{self._prop(found[0], 'cmis:objectId')}", already=True,
                            note=f"another archival copy of the same original is in the DMS (by {prop})")

    def _exported_meanwhile(self, rec: dict[str, Any]) -> ExportResult | None:
        """The DMS's object of this document (by its hash) or of another archival copy of its original."""
        existing = self.find(rec["sha256"])
        if existing is not None:
            return ExportResult(f"cmis:{self._prop(existing, 'cmis:objectId')}", already=True)
        return self.same_original(rec)

    def _named(self, path: str, rec: dict[str, Any]) -> ExportResult | None:
        """The object at *path* when it is this document or another archival copy of its original — read by
        path, which a repository answers at once (its query index may lag behind, as Alfresco's Solr does)."""
        obj = self._object_by_path(path)
        if obj is None:
            return None
        for key in ("sha256", "original_sha256"):
            prop = next((p for p, k in self.props.items() if k == key), None)
            if prop and self._prop(obj, prop) == rec.get(key):
                return ExportResult(f"cmis:{self._prop(obj, 'cmis:objectId')}", already=True,
                                    note="exported meanwhile from another working directory (same name, by "
                                         f"{prop})")
        return None

    def export(self, doc, archive_dir: Path) -> ExportResult:
        rec = record(doc, self.profile)
        if (there := self._exported_meanwhile(rec)) is not None:
            return there
        folder = "/" + expand(self.config["folder"], rec)
        parent = self._ensure_folder(folder)
        props: dict[str, Any] = {"cmis:name": "", "cmis:objectTypeId": self.config["object_type"]}
        desc = rec.get(self.config["description"]) if self.config["description"] else None
        if desc:
            props["cmis:description"] = desc
        if self.config["secondary_type"]:
            props["cmis:secondaryObjectTypeIds"] = [self.config["secondary_type"]]
        for pid, key in self.props.items():
            v = rec.get(key)
            if v is None:
                continue
            props[pid] = _ms(str(v)) if key in _DATETIME_KEYS else v
        base = safe_name(expand(self.config["name"], rec).replace("/", "_"), 120)
        stem, ext = (base[:-4], ".pdf") if base.lower().endswith(".pdf") else (base, ".pdf")
        for n in range(1, 50):
            name = f"{stem}{ext}" if n == 1 else f"{stem} ({n}){ext}"
            props["cmis:name"] = name
            try:
                obj = self._post(parent, "createDocument", props, Path(archive_dir) / ARCHIVE_PDF, name)
            except ExportError as e:
                if getattr(e, "exception", "") not in ("nameConstraintViolation", "contentAlreadyExists"):
                    raise
                # the name is taken: by this document, exported meanwhile from another working directory
                # (its query ran before that create, fresh43 F2) — already there; else by another document
                if (there := self._named(f"{folder}/{name}", rec) or self._exported_meanwhile(rec)) is not None:
                    return there
                continue
            oid = self._prop(obj, "cmis:objectId") if isinstance(obj, dict) else None
            if not oid:  # (a gateway's "201 {}"): not "exported" — asked again, the hash query finds it if it is there
                raise ExportError("CMIS createDocument answered without the new object (no cmis:objectId); "
                                  "the document is not recorded as exported", transient=True)
            return ExportResult(f"cmis:{oid} {folder}/{name}")
        raise ExportError("CMIS: no free document name after 49 attempts")

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
