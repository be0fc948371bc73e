"""A CMIS 1.1 Browser Binding server for the tests: a real HTTP server on
loopback, as strict as a real repository in what ekte's CMIS connector and
cmislib use.

Built from the CMIS 1.1 specification (part II, Browser Binding: service
URL → repository infos, ``rootFolderUrl`` + path with ``cmisselector``,
``cmisaction`` form posts with ``propertyId[i]``/``propertyValue[i]``,
exception JSON ``{"exception", "message"}`` with the status codes of
section 5.2.10) and from the recorded traffic of Apache Chemistry's InMemory
server in ../shared/cmis-captures (property JSON with id/localName/
queryName/type/cardinality/value, datetimes as epoch milliseconds,
``allowableActions``, 201 on create).  cmislib 0.7.0 is checked against it
in the tests as an independent client.

Strictness: typed properties (string, id, integer, datetime, boolean), the
type's required properties, secondary types and their properties only when
applied, unknown properties rejected, 409 nameConstraintViolation on a
duplicate name in a folder, 404 objectNotFound, 401 without valid Basic
credentials.  Faults can be injected: status codes, delays, and a server
that stores a document and dies before it answers.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

STATUS = {  # CMIS 1.1 part II, 5.2.10
    "invalidArgument": 400, "objectNotFound": 404, "permissionDenied": 403, "notSupported": 405,
    "runtime": 500, "constraint": 409, "contentAlreadyExists": 409, "filterNotValid": 400,
    "nameConstraintViolation": 409, "storage": 500, "streamNotSupported": 403, "updateConflict": 409,
    "versioning": 409, "unauthorized": 401,
}


class CmisError(Exception):
    def __init__(self, exception: str, message: str):
        super().__init__(message)
        self.exception, self.message = exception, message


def pdef(pid: str, ptype: str, required: bool = False, cardinality: str = "single", updatability: str = "readwrite"):
    return {"id": pid, "localName": pid, "queryName": pid, "displayName": pid, "propertyType": ptype,
            "cardinality": cardinality, "required": required, "updatability": updatability,
            "queryable": True, "orderable": False, "inherited": False, "openChoice": False}


BASE_PROPS = [
    pdef("cmis:name", "string", True), pdef("cmis:objectId", "id", updatability="readonly"),
    pdef("cmis:objectTypeId", "id", True, updatability="oncreate"),
    pdef("cmis:baseTypeId", "id", updatability="readonly"), pdef("cmis:description", "string"),
    pdef("cmis:createdBy", "string", updatability="readonly"),
    pdef("cmis:creationDate", "datetime", updatability="readonly"),
    pdef("cmis:lastModificationDate", "datetime", updatability="readonly"),
    pdef("cmis:changeToken", "string", updatability="readonly"),
    pdef("cmis:secondaryObjectTypeIds", "id", cardinality="multi"),
]
DOC_PROPS = [
    pdef("cmis:contentStreamLength", "integer", updatability="readonly"),
    pdef("cmis:contentStreamMimeType", "string", updatability="readonly"),
    pdef("cmis:contentStreamFileName", "string", updatability="readonly"),
    pdef("cmis:contentStreamId", "id", updatability="readonly"),
    pdef("cmis:isImmutable", "boolean", updatability="readonly"),
    pdef("cmis:isLatestVersion", "boolean", updatability="readonly"),
    pdef("cmis:isMajorVersion", "boolean", updatability="readonly"),
    pdef("cmis:isLatestMajorVersion", "boolean", updatability="readonly"),
    pdef("cmis:versionSeriesId", "id", updatability="readonly"),
    pdef("cmis:versionLabel", "string", updatability="readonly"),
    pdef("cmis:isVersionSeriesCheckedOut", "boolean", updatability="readonly"),
]
FOLDER_PROPS = [pdef("cmis:parentId", "id", updatability="readonly"), pdef("cmis:path", "string", updatability="readonly")]
#: the secondary type a county's DMS administrator would define for ekte
EKTE_PROPS = [
    pdef("ekte:sha256", "string", True), pdef("ekte:id", "string", True), pdef("ekte:doctype", "string"),
    pdef("ekte:aktenzeichen", "string"), pdef("ekte:aktenplan", "string"), pdef("ekte:received", "datetime"),
    pdef("ekte:pages", "integer"), pdef("ekte:retentionYears", "integer"), pdef("ekte:originalSha256", "string"),
]


def typedef(tid: str, base: str, props: list[dict], parent: str | None) -> dict:
    return {"id": tid, "localName": tid, "queryName": tid, "displayName": tid, "baseId": base, "parentId": parent,
            "description": tid, "creatable": base != "cmis:secondary", "fileable": base != "cmis:secondary",
            "queryable": True, "controllablePolicy": False, "controllableACL": False, "fulltextIndexed": False,
            "includedInSupertypeQuery": True,
            "propertyDefinitions": {p["id"]: p for p in props}}


@dataclass
class Repo:
    """The repository's state; it survives a server restart."""

    id: str = "A1"
    user: str = "ekte"
    password: str = "s3cret"
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    types: dict[str, dict] = field(default_factory=dict)
    ids: Any = field(default_factory=lambda: itertools.count(101))
    lock: threading.RLock = field(default_factory=threading.RLock)
    log: list[tuple[str, str, int]] = field(default_factory=list)  # (method, action, status)
    faults: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.types = {
            "cmis:document": typedef("cmis:document", "cmis:document", BASE_PROPS + DOC_PROPS, None),
            "cmis:folder": typedef("cmis:folder", "cmis:folder", BASE_PROPS + FOLDER_PROPS, None),
            "ekte:metadata": typedef("ekte:metadata", "cmis:secondary", EKTE_PROPS, "cmis:secondary"),
        }
        now = int(time.time() * 1000)
        self.objects["100"] = {"props": {"cmis:objectId": "100", "cmis:name": "", "cmis:objectTypeId": "cmis:folder",
                                         "cmis:baseTypeId": "cmis:folder", "cmis:creationDate": now,
                                         "cmis:parentId": None, "cmis:path": "/"}, "parent": None}

    # -- helpers
    def children(self, folder_id: str) -> list[str]:
        return [i for i, o in self.objects.items() if o.get("parent") == folder_id]

    def path_of(self, oid: str) -> str:
        o = self.objects[oid]
        if o["parent"] is None:
            return "/"
        parent = self.path_of(o["parent"])
        return parent.rstrip("/") + "/" + o["props"]["cmis:name"]

    def by_path(self, path: str) -> str:
        cur = "100"
        for seg in [s for s in path.split("/") if s]:
            nxt = [c for c in self.children(cur) if self.objects[c]["props"]["cmis:name"] == seg]
            if not nxt:
                raise CmisError("objectNotFound", f"path not found: {path}")
            cur = nxt[0]
        return cur

    def get(self, oid: str) -> dict:
        if oid not in self.objects:
            raise CmisError("objectNotFound", f"object not found: {oid}")
        return self.objects[oid]

    def documents(self) -> list[dict]:
        return [o for o in self.objects.values() if o["props"]["cmis:baseTypeId"] == "cmis:document"]

    # -- property handling
    def defs_for(self, type_id: str, secondary: list[str]) -> dict[str, dict]:
        if type_id not in self.types or self.types[type_id]["baseId"] == "cmis:secondary":
            raise CmisError("constraint", f"unknown or not creatable object type: {type_id}")
        defs = dict(self.types[type_id]["propertyDefinitions"])
        for s in secondary:
            t = self.types.get(s)
            if t is None or t["baseId"] != "cmis:secondary":
                raise CmisError("constraint", f"unknown secondary type: {s}")
            defs.update(t["propertyDefinitions"])
        return defs

    def convert(self, d: dict, raw: list[str]) -> Any:
        t = d["propertyType"]
        out = []
        for v in raw:
            try:
                if t == "integer":
                    out.append(int(v))
                elif t == "datetime":
                    out.append(int(v))  # epoch milliseconds, as the Browser Binding sends them
                elif t == "boolean":
                    if v not in ("true", "false"):
                        raise ValueError(v)
                    out.append(v == "true")
                elif t == "decimal":
                    out.append(float(v))
                else:
                    out.append(v)
            except ValueError:
                raise CmisError("invalidArgument", f"property {d['id']}: not a valid {t}") from None
        if d["cardinality"] == "single":
            if len(out) > 1:
                raise CmisError("constraint", f"property {d['id']} is single-valued")
            return out[0] if out else None
        return out

    def create(self, base: str, parent_id: str, props_raw: dict[str, list[str]], content: tuple | None) -> str:
        parent = self.get(parent_id)
        if parent["props"]["cmis:baseTypeId"] != "cmis:folder":
            raise CmisError("constraint", "parent is not a folder")
        type_id = (props_raw.get("cmis:objectTypeId") or [""])[0]
        secondary = props_raw.get("cmis:secondaryObjectTypeIds", [])
        defs = self.defs_for(type_id, secondary)
        if self.types[type_id]["baseId"] != base:
            raise CmisError("constraint", f"type {type_id} is not a {base} type")
        props: dict[str, Any] = {}
        for pid, raw in props_raw.items():
            d = defs.get(pid)
            if d is None:
                raise CmisError("constraint", f"property {pid} is not defined for {type_id} {secondary}")
            if d["updatability"] == "readonly":
                raise CmisError("constraint", f"property {pid} is read-only")
            props[pid] = self.convert(d, raw)
        for pid, d in defs.items():
            if d["required"] and props.get(pid) in (None, "", []):
                raise CmisError("constraint", f"required property {pid} is missing")
        name = props["cmis:name"]
        if "/" in name or name in (".", ".."):
            raise CmisError("nameConstraintViolation", f"invalid name: {name}")
        with self.lock:
            if any(self.objects[c]["props"]["cmis:name"] == name for c in self.children(parent_id)):
                raise CmisError("nameConstraintViolation", f"an object named {name} exists in this folder")
            oid = str(next(self.ids))
            now = int(time.time() * 1000)
            props.update({"cmis:objectId": oid, "cmis:baseTypeId": base, "cmis:creationDate": now,
                          "cmis:lastModificationDate": now, "cmis:createdBy": self.user, "cmis:changeToken": str(now)})
            obj = {"props": props, "parent": parent_id}
            if base == "cmis:document":
                data, mime, fname = content or (b"", None, None)
                obj["content"] = data
                props.update({"cmis:contentStreamLength": len(data) if content else None,
                              "cmis:contentStreamMimeType": mime, "cmis:contentStreamFileName": fname,
                              "cmis:isLatestVersion": True, "cmis:isMajorVersion": True,
                              "cmis:isLatestMajorVersion": True, "cmis:versionSeriesId": oid, "cmis:versionLabel": "1.0",
                              "cmis:isImmutable": False, "cmis:isVersionSeriesCheckedOut": False})
            else:
                props["cmis:parentId"] = parent_id
            self.objects[oid] = obj
            if base == "cmis:folder":
                props["cmis:path"] = self.path_of(oid)
            return oid

    def to_json(self, oid: str) -> dict:
        o = self.get(oid)
        p = o["props"]
        defs = self.defs_for(p["cmis:objectTypeId"], p.get("cmis:secondaryObjectTypeIds") or [])
        props = {}
        for pid, val in p.items():
            d = defs.get(pid, pdef(pid, "string"))
            props[pid] = {"id": pid, "localName": pid, "queryName": pid, "displayName": pid, "value": val,
                          "type": d["propertyType"], "cardinality": d["cardinality"]}
        is_doc = p["cmis:baseTypeId"] == "cmis:document"
        actions = {"canGetProperties": True, "canGetContentStream": bool(is_doc and o.get("content") is not None),
                   "canCreateDocument": not is_doc, "canCreateFolder": not is_doc, "canGetChildren": not is_doc,
                   "canDeleteObject": False, "canUpdateProperties": False, "canGetObjectParents": True}
        return {"properties": props, "allowableActions": actions}

    def query(self, q: str) -> list[str]:
        m = re.fullmatch(r"\s*SELECT\s+(.+?)\s+FROM\s+([\w:]+)(?:\s+WHERE\s+(.+?))?\s*", q, re.I | re.S)
        if not m:
            raise CmisError("invalidArgument", "query not understood")
        tid, where = m.group(2), m.group(3)
        t = self.types.get(tid)
        if t is None:
            raise CmisError("invalidArgument", f"unknown type in FROM: {tid}")
        conds = []
        if where:
            for c in re.split(r"\s+AND\s+", where, flags=re.I):
                cm = re.fullmatch(r"([\w:]+)\s*=\s*'((?:[^']|'')*)'", c.strip())
                if not cm:
                    raise CmisError("invalidArgument", "only  prop = 'value' [AND …] conditions are supported")
                if cm.group(1) not in t["propertyDefinitions"]:
                    raise CmisError("invalidArgument", f"{cm.group(1)} is not a property of {tid}")
                conds.append((cm.group(1), cm.group(2).replace("''", "'")))
        out = []
        for oid, o in self.objects.items():
            p = o["props"]
            applies = (p["cmis:objectTypeId"] == tid if t["baseId"] != "cmis:secondary"
                       else tid in (p.get("cmis:secondaryObjectTypeIds") or []))
            if tid in ("cmis:document", "cmis:folder"):
                applies = p["cmis:baseTypeId"] == tid
            if applies and all(str(p.get(k)) == v for k, v in conds):
                out.append(oid)
        return out


class Handler(BaseHTTPRequestHandler):
    server: "CmisServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, *a: Any) -> None:  # quiet
        pass

    # -- plumbing
    def _send(self, status: int, body: Any, ctype: str = "application/json;charset=UTF-8") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="CMIS"')
        self.end_headers()
        self.wfile.write(data)

    def _error(self, e: CmisError) -> None:
        self._send(STATUS[e.exception], {"exception": e.exception, "message": e.message})

    def _auth(self) -> None:
        repo = self.server.repo
        want = "Basic " + base64.b64encode(f"{repo.user}:{repo.password}".encode()).decode()
        if self.headers.get("Authorization") != want:
            raise CmisError("unauthorized", "Authentication required")

    def _fault(self, action: str) -> bool:
        repo = self.server.repo
        with repo.lock:
            for f in repo.faults:
                if f.get("action") in (action, "*") and f.get("times", 1) > 0:
                    f["times"] = f.get("times", 1) - 1
                    break
            else:
                return False
        if f.get("delay"):
            time.sleep(f["delay"])
            return False
        if f.get("status"):
            exc = f.get("exception", "runtime")
            self._send(f["status"], {"exception": exc, "message": "injected fault"})
            repo.log.append((self.command, action, f["status"]))
            return True
        return False

    def _routes(self) -> tuple[str, str | None]:
        """→ (kind, rest): kind is 'service', 'repo' or 'root' (rest = object path)."""
        path = unquote(urlsplit(self.path).path)
        base = self.server.base_path
        if path.rstrip("/") == base:
            return "service", None
        prefix = f"{base}/{self.server.repo.id}"
        if path == prefix:
            return "repo", None
        if path == prefix + "/root" or path.startswith(prefix + "/root/"):
            return "root", path[len(prefix + "/root"):] or "/"
        raise CmisError("objectNotFound", "no such URL")

    def repo_info(self) -> dict:
        r = self.server.repo
        url = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}{self.server.base_path}/{r.id}"
        return {r.id: {"repositoryId": r.id, "repositoryName": "ekte test repository",
                       "repositoryDescription": "CMIS 1.1 Browser Binding test server", "vendorName": "ekte tests",
                       "productName": "ekte-cmis-test", "productVersion": "1", "rootFolderId": "100",
                       "repositoryUrl": url, "rootFolderUrl": url + "/root", "cmisVersionSupported": "1.1",
                       "latestChangeLogToken": "0", "principalIdAnonymous": "anonymous",
                       "principalIdAnyone": "anyone", "changesIncomplete": True, "changesOnType": [],
                       "capabilities": {"capabilityQuery": "metadataonly", "capabilityUnfiling": False,
                                        "capabilityMultifiling": False, "capabilityACL": "none",
                                        "capabilityGetDescendants": False, "capabilityGetFolderTree": False,
                                        "capabilityContentStreamUpdatability": "anytime",
                                        "capabilityChanges": "none", "capabilityRenditions": "none",
                                        "capabilityVersionSpecificFiling": False, "capabilityPWCUpdatable": False,
                                        "capabilityPWCSearchable": False, "capabilityAllVersionsSearchable": False,
                                        "capabilityJoin": "none", "capabilityOrderBy": "none"},
                       "extendedFeatures": []}}

    # -- GET
    def do_GET(self) -> None:  # noqa: N802
        repo = self.server.repo
        try:
            self._auth()
            qs = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            sel = qs.get("cmisselector", "")
            if self._fault(f"get:{sel}"):
                return
            kind, rest = self._routes()
            if kind == "service":
                return self._send(200, self.repo_info())
            if kind == "repo":
                if sel in ("", "repositoryInfo"):
                    return self._send(200, self.repo_info())
                if sel == "typeDefinition":
                    t = repo.types.get(qs.get("typeId", ""))
                    if t is None:
                        raise CmisError("objectNotFound", "unknown type")
                    return self._send(200, t)
                if sel == "query":
                    return self._query(qs.get("q", ""))
                raise CmisError("invalidArgument", f"unknown selector {sel}")
            oid = qs["objectId"] if "objectId" in qs else repo.by_path(rest or "/")
            if sel in ("", "object", "properties"):
                return self._send(200, repo.to_json(oid))
            if sel == "content":
                o = repo.get(oid)
                if o.get("content") is None:
                    raise CmisError("constraint", "no content stream")
                return self._send(200, o["content"], o["props"].get("cmis:contentStreamMimeType") or "application/octet-stream")
            if sel == "children":
                return self._send(200, {"objects": [{"object": repo.to_json(c)} for c in repo.children(oid)],
                                        "hasMoreItems": False, "numItems": len(repo.children(oid))})
            if sel == "parents":
                o = repo.get(oid)
                return self._send(200, [] if o["parent"] is None else
                                  [{"object": repo.to_json(o["parent"]), "relativePathSegment": o["props"]["cmis:name"]}])
            if sel == "allowableActions":
                return self._send(200, repo.to_json(oid)["allowableActions"])
            raise CmisError("invalidArgument", f"unknown selector {sel}")
        except CmisError as e:
            repo.log.append(("GET", "error", STATUS[e.exception]))
            self._error(e)

    def _query(self, q: str) -> None:
        repo = self.server.repo
        ids = repo.query(q)
        self._send(200, {"results": [repo.to_json(i) for i in ids], "hasMoreItems": False, "numItems": len(ids)})

    # -- POST
    def _form(self) -> tuple[dict[str, list[str]], tuple | None]:
        n = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    break
                body += self.rfile.read(size)
                self.rfile.readline()
        else:
            body = self.rfile.read(n)
        ctype = self.headers.get("Content-Type", "")
        fields: dict[str, list[str]] = {}
        content = None
        if ctype.startswith("multipart/form-data"):
            msg = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
            if not msg.is_multipart():
                raise CmisError("invalidArgument", "bad multipart body")
            for part in msg.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if part.get_filename() is not None or name == "content":
                    content = (part.get_payload(decode=True), part.get_content_type(), part.get_filename())
                else:
                    fields.setdefault(name, []).append(part.get_payload(decode=True).decode("utf-8"))
        elif ctype.startswith("application/x-www-form-urlencoded"):
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        else:
            raise CmisError("invalidArgument", f"unsupported content type {ctype}")
        return fields, content

    @staticmethod
    def _props(fields: dict[str, list[str]]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for k, v in fields.items():
            m = re.fullmatch(r"propertyId\[(\d+)\]", k)
            if not m:
                continue
            i = m.group(1)
            if f"propertyValue[{i}]" in fields:
                vals = fields[f"propertyValue[{i}]"]
            else:
                multi = sorted(((int(mm.group(1)), fields[kk][0]) for kk in fields
                                if (mm := re.fullmatch(rf"propertyValue\[{i}\]\[(\d+)\]", kk))))
                vals = [x for _, x in multi]
            if v[0] in out:
                raise CmisError("invalidArgument", f"property {v[0]} given twice")
            out[v[0]] = vals
        return out

    def do_POST(self) -> None:  # noqa: N802
        repo = self.server.repo
        try:
            self._auth()
            fields, content = self._form()
            action = (fields.get("cmisaction") or [""])[0]
            if self._fault(action):
                return
            kind, rest = self._routes()
            if action == "query" and kind == "repo":
                repo.log.append(("POST", action, 200))
                return self._query(fields.get("q", [""])[0])
            if kind != "root":
                raise CmisError("invalidArgument", f"action {action} not allowed here")
            parent = fields["objectId"][0] if "objectId" in fields else repo.by_path(rest or "/")
            if action in ("createDocument", "createFolder"):
                base = "cmis:document" if action == "createDocument" else "cmis:folder"
                oid = repo.create(base, parent, self._props(fields), content if base == "cmis:document" else None)
                if action == "createDocument" and self.server.die_after is not None:
                    self.server.die_after -= 1
                    if self.server.die_after < 0:
                        # stored, but the server dies before it answers
                        repo.log.append(("POST", action, 0))
                        self.server.dying = True
                        self.close_connection = True
                        self.wfile.flush()
                        self.connection.shutdown(2)
                        threading.Thread(target=self.server.die, daemon=True).start()
                        return
                repo.log.append(("POST", action, 201))
                return self._send(201, repo.to_json(oid))
            raise CmisError("notSupported", f"action {action} is not supported by this test server")
        except CmisError as e:
            repo.log.append(("POST", "error:" + e.exception, STATUS[e.exception]))
            self._error(e)


class CmisServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, repo: Repo, port: int = 0, base_path: str = "/cmis/browser"):
        super().__init__(("127.0.0.1", port), Handler)
        self.repo = repo
        self.base_path = base_path
        self.die_after: int | None = None
        self.dying = False
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def die(self) -> None:
        self.shutdown()
        self.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{self.base_path}"

    def __enter__(self) -> "CmisServer":
        self.thread.start()
        return self

    def __exit__(self, *a: Any) -> None:
        if not self.dying:
            self.shutdown()
            self.server_close()


def path_quote(p: str) -> str:
    return quote(p)
