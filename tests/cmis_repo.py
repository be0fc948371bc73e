"""The repository behind the CMIS test server (tests/cmis_server.py):
types, objects, their JSON in the shapes Apache Chemistry's OpenCMIS
InMemory server answers with (../shared/cmis-captures), and CMIS-QL.

Shapes taken from the captures: property JSON with ``id``, ``localName``,
``queryName``, ``displayName``, ``type``, ``cardinality``, ``value`` for
*every* property the type defines (unset ones with ``null``); type and
property definitions with ``localNamespace`` and ``description``; the 29
allowable actions of the recorded server; ACLs as ``{"aces": [{"principal":
{"principalId"}, "permissions", "isDirect"}]}`` with ``exactACL``;
``succinctProperties`` (``{id: value}``) instead of ``properties`` when the
client asks for ``succinct=true`` (CMIS 1.1 part II, 5.2.9).

CMIS-QL (CMIS 1.1 part I, 2.1.14): ``SELECT <columns|*> FROM <type>
[WHERE <cond> [AND <cond>]…]`` with ``prop = <literal>``, ``prop LIKE
'<pattern>'`` and ``IN_FOLDER('<id>')``.  String literals escape ``'`` and
``\\`` with a backslash (``\\'``, ``\\\\``); in a LIKE pattern ``\\%`` and
``\\_`` are a literal percent sign and underscore.  Any other backslash,
or SQL's doubled quote ``''``, is a syntax error (invalidArgument), as in
OpenCMIS's CMIS-QL grammar.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

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


def pdef(pid: str, ptype: str, display: str, required: bool = False, cardinality: str = "single",
         updatability: str = "readwrite") -> dict:
    return {"id": pid, "localName": pid, "localNamespace": "local", "queryName": pid, "displayName": display,
            "description": f"This is a {display} property.", "propertyType": ptype, "cardinality": cardinality,
            "required": required, "updatability": updatability, "queryable": True, "orderable": True,
            "inherited": False, "openChoice": False}


RO = "readonly"
BASE_PROPS = [
    pdef("cmis:name", "string", "Name", True), pdef("cmis:objectId", "id", "Object Id", updatability=RO),
    pdef("cmis:objectTypeId", "id", "Type-Id", True, updatability="oncreate"),
    pdef("cmis:baseTypeId", "id", "Base-Type-Id", updatability=RO), pdef("cmis:description", "string", "Description"),
    pdef("cmis:createdBy", "string", "Created By", updatability=RO),
    pdef("cmis:creationDate", "datetime", "Creation Date", updatability=RO),
    pdef("cmis:lastModifiedBy", "string", "Modified By", updatability=RO),
    pdef("cmis:lastModificationDate", "datetime", "Modification Date", updatability=RO),
    pdef("cmis:changeToken", "string", "Change Token", updatability=RO),
    pdef("cmis:secondaryObjectTypeIds", "id", "Secondary Type Ids", cardinality="multi"),
]
DOC_PROPS = [
    pdef("cmis:contentStreamLength", "integer", "Content Length", updatability=RO),
    pdef("cmis:contentStreamMimeType", "string", "Mime Type", updatability=RO),
    pdef("cmis:contentStreamFileName", "string", "File Name", updatability=RO),
    pdef("cmis:contentStreamId", "id", "Stream Id", updatability=RO),
    pdef("cmis:isImmutable", "boolean", "Immutable", updatability=RO),
    pdef("cmis:isLatestVersion", "boolean", "Is Latest Version", updatability=RO),
    pdef("cmis:isMajorVersion", "boolean", "Is Major Version", updatability=RO),
    pdef("cmis:isLatestMajorVersion", "boolean", "Is Latest Major Version", updatability=RO),
    pdef("cmis:versionSeriesId", "id", "Version Series Id", updatability=RO),
    pdef("cmis:versionLabel", "string", "Version Label", updatability=RO),
    pdef("cmis:isVersionSeriesCheckedOut", "boolean", "Checked Out", updatability=RO),
    pdef("cmis:versionSeriesCheckedOutBy", "string", "Checked Out By", updatability=RO),
    pdef("cmis:versionSeriesCheckedOutId", "id", "Checked Out Id", updatability=RO),
    pdef("cmis:checkinComment", "string", "Checkin Comment", updatability=RO),
]
FOLDER_PROPS = [pdef("cmis:parentId", "id", "Parent Id", updatability=RO),
                pdef("cmis:path", "string", "Path", updatability=RO),
                pdef("cmis:allowedChildObjectTypeIds", "id", "Allowed Child Types", cardinality="multi",
                     updatability=RO)]
#: the secondary type a county's DMS administrator would define for ekte
EKTE_PROPS = [
    pdef("ekte:sha256", "string", "SHA-256", True), pdef("ekte:id", "string", "ekte id", True),
    pdef("ekte:doctype", "string", "Document type"), pdef("ekte:aktenzeichen", "string", "Aktenzeichen"),
    pdef("ekte:aktenplan", "string", "Aktenplan"), pdef("ekte:received", "datetime", "Received"),
    pdef("ekte:pages", "integer", "Pages"), pdef("ekte:retentionYears", "integer", "Retention"),
    pdef("ekte:originalSha256", "string", "Original SHA-256"),
]
#: the allowable actions of the recorded server (getAllowableActions-response.log)
ACTIONS = ("canDeleteObject", "canUpdateProperties", "canGetFolderTree", "canGetProperties",
           "canGetObjectRelationships", "canGetObjectParents", "canGetFolderParent", "canGetDescendants",
           "canMoveObject", "canDeleteContentStream", "canCheckOut", "canCancelCheckOut", "canCheckIn",
           "canSetContentStream", "canGetAllVersions", "canAddObjectToFolder", "canRemoveObjectFromFolder",
           "canGetContentStream", "canApplyPolicy", "canGetAppliedPolicies", "canRemovePolicy", "canGetChildren",
           "canCreateDocument", "canCreateFolder", "canCreateRelationship", "canDeleteTree", "canGetRenditions",
           "canGetACL", "canApplyACL")


def typedef(tid: str, base: str, props: list[dict], parent: str | None, display: str) -> dict:
    return {"id": tid, "localName": tid, "localNamespace": "local", "queryName": tid, "displayName": display,
            "baseId": base, "parentId": parent, "description": f"Description of {display} Type",
            "creatable": base != "cmis:secondary", "fileable": base != "cmis:secondary", "queryable": True,
            "controllablePolicy": False, "controllableACL": True, "fulltextIndexed": False,
            "includedInSupertypeQuery": True, "propertyDefinitions": {p["id"]: p for p in props}}


# -- CMIS-QL ---------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^'\\]|\\.)*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<id>[A-Za-z_][\w:.]*)"
                    r"|(?P<op><>|[=(),*]))", re.S)


def tokens(q: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(q.rstrip()):
        m = _TOKEN.match(q, pos)
        if not m:
            raise CmisError("invalidArgument", f"CMIS-QL syntax error at character {pos}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def string_value(literal: str, like: bool = False) -> str | re.Pattern:
    """A quoted CMIS-QL literal → its value (or, for LIKE, a regex)."""
    body, out, i = literal[1:-1], [], 0
    allowed = "'\\%_" if like else "'\\"
    while i < len(body):
        c = body[i]
        if c == "\\":
            if i + 1 >= len(body) or body[i + 1] not in allowed:
                raise CmisError("invalidArgument", "CMIS-QL: invalid escape sequence in a string literal")
            out.append(re.escape(body[i + 1]) if like else body[i + 1])
            i += 2
            continue
        out.append(".*" if like and c == "%" else "." if like and c == "_" else re.escape(c) if like else c)
        i += 1
    return re.compile("".join(out), re.S) if like else "".join(out)


def parse_query(q: str) -> tuple[list[str], str, list[tuple[str, str, Any]]]:
    """→ (columns, type, conditions: (kind, prop, value))."""
    t = tokens(q)
    if len(t) < 4 or t[0][1].upper() != "SELECT":
        raise CmisError("invalidArgument", "CMIS-QL: SELECT … FROM … expected")
    try:
        f = next(i for i, (k, v) in enumerate(t) if k == "id" and v.upper() == "FROM")
    except StopIteration:
        raise CmisError("invalidArgument", "CMIS-QL: FROM expected") from None
    cols = [v for k, v in t[1:f] if v != ","]
    tid, rest = t[f + 1][1], t[f + 2:]
    conds: list[tuple[str, str, Any]] = []
    if rest:
        if rest[0][1].upper() != "WHERE":
            raise CmisError("invalidArgument", "CMIS-QL: WHERE expected")
        rest = rest[1:]
        while rest:
            conds.append(_condition(rest))
            rest = rest[3:] if conds[-1][0] != "in_folder" else rest[4:]
            if rest:
                if rest[0][1].upper() != "AND":
                    raise CmisError("invalidArgument", "CMIS-QL: only AND joins conditions here")
                rest = rest[1:]
    return cols, tid, conds


def _condition(t: list[tuple[str, str]]) -> tuple[str, str, Any]:
    if t[0][1].upper() == "IN_FOLDER":
        if len(t) < 4 or t[1][1] != "(" or t[2][0] != "str" or t[3][1] != ")":
            raise CmisError("invalidArgument", "CMIS-QL: IN_FOLDER('id') expected")
        return "in_folder", "", string_value(t[2][1])
    if len(t) < 3 or t[0][0] != "id":
        raise CmisError("invalidArgument", "CMIS-QL: a condition expected")
    prop, op, (kind, lit) = t[0][1], t[1][1].upper(), t[2]
    if op == "LIKE" and kind == "str":
        return "like", prop, string_value(lit, like=True)
    if op == "=" and kind == "str":
        return "eq", prop, string_value(lit)
    if op == "=" and kind == "num":
        return "eq", prop, float(lit) if "." in lit else int(lit)
    raise CmisError("invalidArgument", "CMIS-QL: prop = literal, prop LIKE 'pattern' or IN_FOLDER('id') expected")


# -- the repository --------------------------------------------------------------------

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
            "cmis:document": typedef("cmis:document", "cmis:document", BASE_PROPS + DOC_PROPS, None, "CMIS Document"),
            "cmis:folder": typedef("cmis:folder", "cmis:folder", BASE_PROPS + FOLDER_PROPS, None, "CMIS Folder"),
            "cmis:secondary": typedef("cmis:secondary", "cmis:secondary", [], None, "CMIS Secondary"),
            "ekte:metadata": typedef("ekte:metadata", "cmis:secondary", EKTE_PROPS, "cmis:secondary", "ekte metadata"),
        }
        now = int(time.time() * 1000)
        self.objects["100"] = {"props": {"cmis:objectId": "100", "cmis:name": "", "cmis:objectTypeId": "cmis:folder",
                                         "cmis:baseTypeId": "cmis:folder", "cmis:creationDate": now,
                                         "cmis:lastModificationDate": now, "cmis:createdBy": "system",
                                         "cmis:lastModifiedBy": "system", "cmis:changeToken": str(now),
                                         "cmis:parentId": None, "cmis:path": "/",
                                         "cmis:allowedChildObjectTypeIds": ["*"]}, "parent": None}

    # -- navigation
    def children(self, folder_id: str) -> list[str]:
        return [i for i, o in self.objects.items() if o.get("parent") == folder_id]

    def path_of(self, oid: str) -> str:
        o = self.objects[oid]
        if o["parent"] is None:
            return "/"
        return self.path_of(o["parent"]).rstrip("/") + "/" + o["props"]["cmis:name"]

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

    # -- properties
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

    @staticmethod
    def convert(d: dict, raw: list[str]) -> Any:
        t, out = d["propertyType"], []
        for v in raw:
            try:
                if t in ("integer", "datetime"):
                    out.append(int(v))  # datetimes: epoch milliseconds, as the Browser Binding sends them
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
            if d["required"] and d["updatability"] != "readonly" and props.get(pid) in (None, "", []):
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
                          "cmis:lastModificationDate": now, "cmis:createdBy": self.user,
                          "cmis:lastModifiedBy": self.user, "cmis:changeToken": str(now)})
            obj = {"props": props, "parent": parent_id}
            if base == "cmis:document":
                data, mime, fname = content or (b"", None, None)
                obj["content"] = data if content else None
                props.update({"cmis:contentStreamLength": len(data) if content else None,
                              "cmis:contentStreamMimeType": mime, "cmis:contentStreamFileName": fname,
                              "cmis:isLatestVersion": True, "cmis:isMajorVersion": True,
                              "cmis:isLatestMajorVersion": True, "cmis:versionSeriesId": oid, "cmis:versionLabel": "1.0",
                              "cmis:isImmutable": False, "cmis:isVersionSeriesCheckedOut": False})
            else:
                props.update({"cmis:parentId": parent_id, "cmis:allowedChildObjectTypeIds": ["*"]})
            self.objects[oid] = obj
            if base == "cmis:folder":
                props["cmis:path"] = self.path_of(oid)
            return oid

    # -- JSON
    def properties(self, oid: str, succinct: bool, only: list[str] | None = None) -> dict:
        p = self.get(oid)["props"]
        defs = self.defs_for(p["cmis:objectTypeId"], p.get("cmis:secondaryObjectTypeIds") or [])
        pids = [k for k in defs if only is None or k in only]
        if succinct:
            return {"succinctProperties": {k: p.get(k) for k in pids}}
        return {"properties": {k: {"id": k, "localName": defs[k]["localName"], "queryName": defs[k]["queryName"],
                                   "displayName": defs[k]["displayName"], "type": defs[k]["propertyType"],
                                   "cardinality": defs[k]["cardinality"], "value": p.get(k)} for k in pids}}

    def actions(self, oid: str) -> dict[str, bool]:
        o = self.get(oid)
        doc = o["props"]["cmis:baseTypeId"] == "cmis:document"
        root = o["parent"] is None
        yes = {"canGetProperties", "canGetACL", "canGetObjectParents", "canGetAppliedPolicies"} - (
            {"canGetObjectParents"} if root else set())
        yes |= ({"canGetContentStream"} if doc and o.get("content") is not None else set()) | (
            set() if doc else {"canGetChildren", "canCreateDocument", "canCreateFolder"}) | (
            {"canGetFolderParent"} if not doc and not root else set())
        return {a: a in yes for a in ACTIONS}

    def to_json(self, oid: str, *, succinct: bool = False, actions: bool = False, acl: bool = False,
                policies: bool = False, only: list[str] | None = None) -> dict:
        out = self.properties(oid, succinct, only)
        if actions:
            out["allowableActions"] = self.actions(oid)
        if acl:
            out.update(acl={"aces": [{"principal": {"principalId": self.user}, "permissions": ["cmis:all"],
                                      "isDirect": True}]}, exactACL=True)
        if policies:
            out["policyIds"] = {"ids": []}
        return out

    # -- query
    def query(self, q: str) -> tuple[list[str], list[str] | None]:
        """→ (object ids, the selected properties or None for *)."""
        cols, tid, conds = parse_query(q)
        t = self.types.get(tid)
        if t is None:
            raise CmisError("invalidArgument", f"unknown type in FROM: {tid}")
        for c in cols:
            if c != "*" and c not in t["propertyDefinitions"] and c not in BASE_PROPS_IDS:
                raise CmisError("invalidArgument", f"{c} is not a property of {tid}")
        for kind, prop, _v in conds:
            if kind != "in_folder" and prop not in t["propertyDefinitions"] and prop not in BASE_PROPS_IDS:
                raise CmisError("invalidArgument", f"{prop} is not a property of {tid}")
        out = []
        for oid, o in self.objects.items():
            p = o["props"]
            if tid in ("cmis:document", "cmis:folder"):
                applies = p["cmis:baseTypeId"] == tid
            elif t["baseId"] == "cmis:secondary":
                applies = tid in (p.get("cmis:secondaryObjectTypeIds") or [])
            else:
                applies = p["cmis:objectTypeId"] == tid
            if applies and all(_holds(kind, p.get(prop), v, o) for kind, prop, v in conds):
                out.append(oid)
        return out, None if "*" in cols else cols


BASE_PROPS_IDS = {d["id"] for d in BASE_PROPS}


def _holds(kind: str, value: Any, want: Any, obj: dict) -> bool:
    if kind == "in_folder":
        return obj.get("parent") == want
    if kind == "like":
        return isinstance(value, str) and want.fullmatch(value) is not None
    return value == want
