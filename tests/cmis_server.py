"""A CMIS 1.1 Browser Binding server for the tests: a real HTTP server on
loopback, as strict as a real repository in what ekte's CMIS connector and
cmislib use; the repository, its JSON and CMIS-QL are in tests/cmis_repo.py.

Built from the CMIS 1.1 specification (part II, Browser Binding: service
URL → repository infos, ``rootFolderUrl`` + path with ``cmisselector``,
``cmisaction`` form posts with ``propertyId[i]``/``propertyValue[i]``,
exception JSON ``{"exception", "message"}`` with the status codes of
section 5.2.10) and from the recorded traffic of Apache Chemistry's
OpenCMIS InMemory server in ../shared/cmis-captures: repositoryInfo with
``aclCapabilities``, ``thinClientURI`` …; children with ``pathSegment``;
parents with ``relativePathSegment``; the options ``succinct``,
``includeAllowableActions``, ``includeACL``, ``includePolicyIds``,
``includePathSegment``, ``includeRelativePathSegment``; a query both as
``q=`` and as ``statement=`` (what the OpenCMIS client sends), by GET
(``cmisselector=query``) and POST (``cmisaction=query``); 201 on create.
cmislib 0.7.0 is checked against it in the tests as an independent client,
and tests/test_cmis.py compares its answers field by field with the
captures.

Strictness: typed properties (string, id, integer, datetime, boolean), the
type's required properties, secondary types and their properties only when
applied, unknown properties rejected, CMIS-QL escapes, 409
nameConstraintViolation on a duplicate name in a folder, 404 objectNotFound,
401 without valid Basic credentials; form fields read as OpenCMIS reads
them (:func:`parse_form`: a part without a charset as ISO-8859-1).  Faults
can be injected: status codes, delays, a barrier that holds requests until
N of them came (a race), and a server that stores a document and dies
before it answers.
"""

from __future__ import annotations

import base64
import json
import re
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from cmis_form_read import parse_form
from cmis_repo import STATUS, CmisError, Repo

__all__ = ["CmisServer", "CmisError", "Repo", "STATUS", "parse_form"]

#: the permissions and their mapping as the recorded server lists them (aclCapabilities)
PERMISSION_MAPPING = {
    "cmis:read": ("canGetDescendents.Folder", "canGetChildren.Folder", "canGetParents.Folder",
                  "canGetFolderParent.Object", "canCreateRelationship.Source", "canCreateRelationship.Target",
                  "canGetProperties.Object", "canViewContent.Object", "canGetAllVersions.VersionSeries",
                  "canGetObjectRelationships.Object", "canGetAppliedPolicies.Object", "canGetACL.Object"),
    "cmis:write": ("canCreateDocument.Folder", "canCreateFolder.Folder", "canUpdateProperties.Object",
                   "canMove.Object", "canMove.Target", "canMove.Source", "canDelete.Object", "canDeleteTree.Folder",
                   "canSetContent.Document", "canDeleteContent.Document", "canAddToFolder.Object",
                   "canAddToFolder.Folder", "canRemoveFromFolder.Object", "canRemoveFromFolder.Folder",
                   "canCheckout.Document", "canCancelCheckout.Document", "canCheckin.Document",
                   "canAddPolicy.Object", "canAddPolicy.Policy", "canRemovePolicy.Object", "canRemovePolicy.Policy"),
    "cmis:all": ("canApplyACL.Object",),
}


def _true(v: Any) -> bool:
    return str(v).lower() == "true"


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
        self.blank = False
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
        if f.get("barrier"):  # held until that many such requests are in (two clients racing), at most "wait" s
            with repo.lock:
                f["waiting"] = f.get("waiting", 0) + 1
            end = time.monotonic() + f.get("wait", 60)
            while f["waiting"] < f["barrier"] and time.monotonic() < end:
                time.sleep(0.02)
            return False
        if f.get("body") is not None:  # a gateway's answer instead of the server's (a login page, "201 {}")
            self._send(f.get("status", 200), f["body"], f.get("ctype", "application/json;charset=UTF-8"))
            repo.log.append((self.command, action, f.get("status", 200)))
            return True
        self.blank = bool(f.get("blank"))  # done, but answered with an empty object
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
        url = f"{self.server.scheme}://{self.server.server_address[0]}:{self.server.server_address[1]}{self.server.base_path}/{r.id}"
        caps = {"capabilityContentStreamUpdatability": "anytime", "capabilityPWCSearchable": False,
                "capabilityQuery": "metadataonly", "capabilityRenditions": "none", "capabilityACL": "discover",
                "capabilityGetFolderTree": False, "capabilityGetDescendants": False,
                "capabilityVersionSpecificFiling": False, "capabilityUnfiling": False, "capabilityJoin": "none",
                "capabilityAllVersionsSearchable": False, "capabilityMultifiling": False, "capabilityChanges": "none",
                "capabilityPWCUpdatable": False, "capabilityOrderBy": "none"}
        acl = {"permissionMapping": [{"permission": [perm], "key": k} for perm, keys in PERMISSION_MAPPING.items()
                                     for k in keys],
               "permissions": [{"description": d, "permission": perm} for perm, d in
                               (("cmis:read", "Read"), ("cmis:write", "Write"), ("cmis:all", "All"))],
               "propagation": "objectonly", "supportedPermissions": "basic"}
        return {r.id: {"repositoryId": r.id, "repositoryName": "ekte test repository",
                       "repositoryDescription": "CMIS 1.1 Browser Binding test server", "vendorName": "ekte tests",
                       "productName": "ekte-cmis-test", "productVersion": "1", "rootFolderId": "100",
                       "repositoryUrl": url, "rootFolderUrl": url + "/root", "thinClientURI": "",
                       "cmisVersionSupported": "1.1", "latestChangeLogToken": "0",
                       "principalIdAnonymous": "anonymous", "principalIdAnyone": "anyone",
                       "changesIncomplete": True, "changesOnType": [], "capabilities": caps,
                       "aclCapabilities": acl, "extendedFeatures": []}}

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
                return self._repo_get(sel, qs)
            oid = qs["objectId"] if "objectId" in qs else repo.by_path(rest or "/")
            return self._object_get(sel, oid, qs)
        except CmisError as e:
            repo.log.append(("GET", "error", STATUS[e.exception]))
            self._error(e)

    def _repo_get(self, sel: str, qs: dict[str, str]) -> None:
        repo = self.server.repo
        if sel in ("", "repositoryInfo"):
            return self._send(200, self.repo_info())
        if sel == "typeDefinition":
            t = repo.types.get(qs.get("typeId", ""))
            if t is None:
                raise CmisError("objectNotFound", "unknown type")
            return self._send(200, t)
        if sel == "query":
            return self._query(qs)
        raise CmisError("invalidArgument", f"unknown selector {sel}")

    def _object_get(self, sel: str, oid: str, qs: dict[str, str]) -> None:
        repo = self.server.repo
        succ, actions = _true(qs.get("succinct")), _true(qs.get("includeAllowableActions"))
        if sel in ("", "object", "properties"):
            return self._send(200, repo.to_json(oid, succinct=succ, actions=actions, acl=_true(qs.get("includeACL")),
                                                policies=_true(qs.get("includePolicyIds"))))
        if sel == "content":
            o = repo.get(oid)
            if o.get("content") is None:
                raise CmisError("constraint", "no content stream")
            return self._send(200, o["content"], o["props"].get("cmis:contentStreamMimeType") or "application/octet-stream")
        if sel == "children":
            kids = repo.children(oid)
            seg = _true(qs.get("includePathSegment"))
            objs = [{"object": repo.to_json(c, succinct=succ, actions=actions),
                     **({"pathSegment": repo.objects[c]["props"]["cmis:name"]} if seg else {})} for c in kids]
            return self._send(200, {"objects": objs, "hasMoreItems": False, "numItems": len(kids)})
        if sel == "parents":
            o = repo.get(oid)
            seg = _true(qs.get("includeRelativePathSegment"))
            return self._send(200, [] if o["parent"] is None else [
                {"object": repo.to_json(o["parent"], succinct=succ, actions=actions, acl=True),
                 **({"relativePathSegment": o["props"]["cmis:name"]} if seg else {})}])
        if sel == "allowableActions":
            return self._send(200, repo.actions(oid))
        raise CmisError("invalidArgument", f"unknown selector {sel}")

    def _query(self, params: dict[str, Any]) -> None:
        """A query: the statement as ``statement`` (the spec's and OpenCMIS's
        name) or ``q`` (what cmislib sends), by GET or POST."""
        repo = self.server.repo
        q = params.get("statement") or params.get("q")
        if not q:
            raise CmisError("invalidArgument", "query: no statement")
        ids, cols = repo.query(q)
        res = [repo.to_json(i, succinct=_true(params.get("succinct")),
                            actions=_true(params.get("includeAllowableActions")), only=cols) for i in ids]
        self._send(200, {"results": res, "hasMoreItems": False, "numItems": len(ids)})

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
        return parse_form(self.headers.get("Content-Type", ""), body)

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
            one = {k: v[0] for k, v in fields.items() if v}
            if action == "query" and kind == "repo":
                repo.log.append(("POST", action, 200))
                return self._query(one)
            if kind != "root":
                raise CmisError("invalidArgument", f"action {action} not allowed here")
            parent = one["objectId"] if "objectId" in one else repo.by_path(rest or "/")
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
                if getattr(self, "blank", False):
                    return self._send(201, {})
                return self._send(201, repo.to_json(oid, succinct=_true(one.get("succinct"))))
            raise CmisError("notSupported", f"action {action} is not supported by this test server")
        except CmisError as e:
            repo.log.append(("POST", "error:" + e.exception, STATUS[e.exception]))
            self._error(e)


class CmisServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, repo: Repo, port: int = 0, base_path: str = "/cmis/browser", tls: tuple | None = None):
        super().__init__(("127.0.0.1", port), Handler)
        self.scheme = "http"
        if tls is not None:  # (certificate file, key file): HTTPS
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(*tls)
            self.socket, self.scheme = ctx.wrap_socket(self.socket, server_side=True), "https"
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
        return f"{self.scheme}://127.0.0.1:{self.server_address[1]}{self.base_path}"

    def __enter__(self) -> "CmisServer":
        self.thread.start()
        return self

    def __exit__(self, *a: Any) -> None:
        if not self.dying:
            self.shutdown()
            self.server_close()


def path_quote(p: str) -> str:
    return quote(p)


if __name__ == "__main__":  # to try the CMIS connector without a DMS (README, "CMIS")
    import argparse
    import sys
    import time

    ap = argparse.ArgumentParser(description="the test suite's CMIS 1.1 Browser Binding server on 127.0.0.1 "
                                             "(user ekte, password s3cret; in memory, gone when stopped)")
    ap.add_argument("--port", type=int, default=18470)
    a = ap.parse_args()
    with CmisServer(Repo(), port=a.port) as srv:
        print(f"CMIS Browser Binding at {srv.url} (user ekte, password s3cret); Ctrl-C stops it", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print(f"{len(srv.repo.log)} requests served", file=sys.stderr)
