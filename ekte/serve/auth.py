"""One auth layer for pages and API: who is asking, and may they.

* API tokens (``Authorization: Bearer ekte_…``; ``ekte users token``),
  each with scopes — no cookies, so no CSRF;
* a trusted reverse proxy's header (single sign-on: ``--proxy-header
  X-Remote-User``), believed only from ``--trusted-proxy`` addresses and
  only for users that exist in ``users.json`` (the role comes from there);
* the login form: a signed session cookie (SameSite=Strict, HttpOnly),
  and a CSRF token in the session that every form and every cookie-
  authenticated API call must echo (``csrf`` field / ``X-CSRF-Token``).

The user is looked up again on every request, so a removed user or a
changed role takes effect at once; a session also ends when its user's
password is set anew (``ekte users add NAME --replace``: each password has a
stamp the session must match, as Django's session auth hash) and at logout,
for every copy of its cookie (:mod:`ekte.serve.logouts`).  Failed logins
are throttled per user name and client address, in the journal
(:mod:`ekte.serve.throttle`)."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable, Coroutine

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.routing import Mount

from ekte.serve import logouts
from ekte.serve.i18n import N_
from ekte.serve.throttle import LoginThrottle
from ekte.users import permissions


@dataclass
class User:
    name: str
    role: str
    scopes: tuple[str, ...] = field(default_factory=tuple)
    via: str = "session"  # session | token | proxy

    def may(self, scope: str) -> bool:
        return scope in self.scopes


class LoginRequired(Exception):
    """No user: a page redirects to the login form, the API answers 401."""


def station(request: Request) -> Any:
    return request.app.state.station


def current_user(request: Request) -> User | None:
    st = station(request)
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        t = st.users.check_token(auth[7:].strip())
        if t is None:
            raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"})
        return User(t["name"], t["role"], tuple(t["scopes"]), "token")
    if st.proxy_header and request.client and request.client.host in st.trusted_proxies:
        name = request.headers.get(st.proxy_header)
        if name:
            u = st.users.get(name)
            return User(u["name"], u["role"], permissions(u["role"]), "proxy") if u else None
    name = request.session.get("user")
    if name:
        u = st.users.get(name)
        sid = request.session.get("sid")
        if u is not None and same(u["stamp"], request.session.get("stamp", "")) and not (
                sid and logouts.ended(st.shared, str(sid))):
            return User(u["name"], u["role"], permissions(u["role"]))
        request.session.pop("user", None)
    return None


def require(request: Request, scope: str) -> User:
    """The user, who must hold *scope* (else 401/redirect or 403)."""
    user = current_user(request)
    if user is None:
        raise LoginRequired()
    if not user.may(scope):
        if user.via == "token" and scope in permissions(user.role):  # the role may, the token may not (fresh33 F5)
            raise HTTPException(403, f"forbidden: the token has no scope '{scope}'")
        raise HTTPException(403, "forbidden")
    request.state.user = user
    return user


def csrf_token(request: Request) -> str:
    tok = request.session.get("csrf")
    if not tok:
        tok = request.session["csrf"] = secrets.token_urlsafe(24)
    return tok


def check_csrf(request: Request, user: User | None, sent: str | None) -> None:
    """A state-changing request that rides on the session cookie must carry
    the session's CSRF token (tokens and proxy logins carry no cookie)."""
    if user is not None and user.via != "session":
        return
    want = request.session.get("csrf")
    got = sent or request.headers.get("x-csrf-token") or ""
    if not want or not same(want, got):
        raise HTTPException(403, "CSRF check failed")


def same(want: Any, got: Any) -> bool:
    """A constant-time comparison of two values of which one came from the client: as UTF-8 bytes
    (``hmac.compare_digest`` refuses a str with a non-ASCII character — a TypeError, 500, fresh42 F7)."""
    return hmac.compare_digest(str(want).encode("utf-8", "replace"), str(got).encode("utf-8", "replace"))


class AuthFirst(APIRoute):
    """A JSON API route that asks who is asking (401) and, for a write riding on the session cookie, for the
    CSRF token (403) before FastAPI reads and validates the request's body (422 told an anonymous caller each
    route's body schema, fresh42 F1).  The route itself checks the scope as before."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            user = current_user(request)
            if user is None:
                raise LoginRequired()
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                check_csrf(request, user, None)
            return await handler(request)

        return checked


#: a form sent after the session ended: the login page and, after it, the form's page say so (its values are lost)
UNSAVED = N_("You had been logged out — what you typed was not saved.")

router = APIRouter()


@router.get("/login", include_in_schema=False)
def login_form(request: Request) -> Response:
    from ekte.serve.web import render

    return render(request, "login.html", {"next": _safe_next(request.query_params.get("next")),
                                          "unsaved": request.query_params.get("unsaved") == "1"})


@router.post("/login", include_in_schema=False)
def login(request: Request, username: str = Form(""), password: str = Form(""), csrf: str = Form(""),
          next: str = Form("/"), unsaved: str = Form("")) -> Response:
    from ekte.serve.web import render

    check_csrf(request, None, csrf)
    throttle, client = _throttle(request), client_address(request)
    wait = throttle.wait(username, client)
    if wait:
        return _refused(request, wait, next)
    u = station(request).users.verify(username.strip(), password)
    if u is None:
        wait = throttle.failed(username, client)
        if wait:
            return _refused(request, wait, next)
        return render(request, "login.html", {"error": True, "next": _safe_next(next), "unsaved": unsaved == "1"},
                      status=401)  # (a mistyped password keeps what the page says after the login)
    throttle.succeeded(username, client)
    request.session.clear()  # a new session on login (no fixation)
    request.session.update(user=u["name"], stamp=u["stamp"], csrf=secrets.token_urlsafe(24), lang=request.state.lang,
                           sid=logouts.new_sid())
    if unsaved == "1":  # came from a form sent after the session ended: its page says so once more
        from ekte.serve.web import flash

        flash(request, UNSAVED)
    return RedirectResponse(_safe_next(next), status_code=303)


def _throttle(request: Request) -> LoginThrottle:
    state = request.app.state
    if getattr(state, "login_throttle", None) is None:
        state.login_throttle = LoginThrottle(station(request).shared)
    return state.login_throttle


def client_address(request: Request) -> str:
    """The client's address: the peer's, or — when the peer is a ``--trusted-proxy`` — the last address that
    proxy appended to ``X-Forwarded-For`` (so clients behind one proxy are not one client to the throttle)."""
    peer = request.client.host if request.client else ""
    forwarded = request.headers.get("x-forwarded-for", "")
    if forwarded and peer in station(request).trusted_proxies:
        last = forwarded.split(",")[-1].strip()[:64]
        return last or peer
    return peer


def _refused(request: Request, wait: int, next: str) -> Response:
    from ekte.serve.web import render

    minutes = max(1, (wait + 59) // 60)
    return render(request, "login.html", {"throttled": minutes, "next": _safe_next(next)}, status=429,
                  headers={"Retry-After": str(wait)})


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf: str = Form("")) -> Response:
    check_csrf(request, None, csrf)
    lang = request.state.lang
    if request.session.get("sid"):  # the session ends here, not only the browser's copy of it (fresh42 F2)
        logouts.end(station(request).shared, str(request.session["sid"]))
    request.session.clear()
    request.session["lang"] = lang
    return RedirectResponse("/login", status_code=303)


def page_of(request: Request) -> str:
    """The page to go back to after a login for a request that is no page (a form's POST-only address such as
    /review/ID/accept): the nearest address above it that answers GET (/review/ID)."""
    from starlette.routing import Match  # (Mount: /static, which answers any path below it)

    parts = request.url.path.rstrip("/").split("/")
    while len(parts) > 1:
        path = "/".join(parts)
        scope = {"type": "http", "path": path, "root_path": "", "method": "GET"}
        if any(r.matches(scope)[0] == Match.FULL for r in request.app.routes if not isinstance(r, Mount)):
            return path
        parts.pop()
    return "/"


def _safe_next(target: str | None) -> str:
    """Only a local path (no open redirect)."""
    t = target or "/"
    return t if t.startswith("/") and not t.startswith("//") and "\\" not in t else "/"
