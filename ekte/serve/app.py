"""The application: FastAPI with one auth layer, routers per area (login,
Prüfkorb, Quarantäne/Verlauf/Statistik/Benutzer pages, the JSON API), the
language of each request, and an access log without personal data."""

from __future__ import annotations

import logging
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from ekte.errors import ConfigError, EnvironmentFailure
from ekte.evidence.intact import ArchiveDamaged
from ekte.pipeline import queue as q
from ekte.pipeline.review import Invalid, SampleDiffers, SampleMissing, UndefinedFields
from ekte.serve import i18n, messages
from ekte.serve.auth import LoginRequired, page_of
from ekte.serve.station import Station
from ekte.users import session_secret

access = logging.getLogger("ekte.serve.access")
STATIC = Path(__file__).with_name("static")


def create_app(station: Station) -> FastAPI:
    from ekte.serve import admin, api, auth, web

    app = FastAPI(title="ekte", version="1", openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None,
                  description="The clerk's station and its JSON API (token auth: Authorization: Bearer ekte_…).")
    app.state.station = station
    app.include_router(auth.router)
    app.include_router(web.router)
    app.include_router(admin.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    _handlers(app)

    @app.middleware("http")
    async def language_and_log(request: Request, call_next: Any) -> Response:
        t0 = time.perf_counter()
        request.state.lang = _language(request)
        try:
            response = await call_next(request)
        except Exception as e:  # noqa: BLE001 - no traceback reaches a user (or the log: it may quote values)
            response = _journal_busy(request, e) or _storage_failed(request, e)  # 503/507 or None
            if response is None:
                logging.getLogger("ekte.serve").error("internal error (%s) in %s %s", type(e).__name__,
                                                      request.method, request.url.path)
                logging.getLogger("ekte.serve").debug("internal error", exc_info=True)
                response = _error(request, 500, "internal error", english=True)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                                    "style-src 'self'; frame-ancestors 'none'")
        # method, the route's pattern (/review/{doc_id}: no id, no name, nothing a client typed), status,
        # time — no client address, no user; made of safe parts only, so the log filter leaves it whole
        route = getattr(request.scope.get("route"), "path", None) or "<no route>"
        access.info("%s %s %d %.1f ms", request.method, route, response.status_code,
                    1000 * (time.perf_counter() - t0), extra={"ekte_composed": True})
        response.headers["Server-Timing"] = f"app;dur={1000 * (time.perf_counter() - t0):.1f}"
        return response

    app.add_middleware(SessionMiddleware, secret_key=session_secret(station.workdir).hex(),
                       session_cookie="ekte_session", max_age=12 * 3600, same_site="strict",
                       https_only=station.secure_cookies)
    return app


def _journal_busy(request: Request, e: Exception) -> Response | None:
    """503 for a journal another process held past the busy timeout (SQLite's "database is locked"; the command
    line's ``journal_busy``, exit 74): the sentence in the reader's language, ``code`` for scripts; None for
    anything else.  Only the error itself, SQLite's own or ekte's ``journal_busy``: a bug met while handling a busy
    journal stays an internal error, logged as one (here its ``__cause__`` is no guide either: Starlette's
    middleware re-raises an error *from* its context)."""
    if isinstance(e, EnvironmentFailure):
        if e.code != "journal_busy":
            return None
    elif not isinstance(e, sqlite3.OperationalError) or "database is locked" not in str(e).lower():
        return None
    logging.getLogger("ekte.serve").warning("journal busy (another ekte process held it too long) in %s %s",
                                            request.method, request.url.path)
    headers = {"Retry-After": "10"}
    if not _is_api(request):
        return _error(request, 503, messages.JOURNAL_BUSY, headers, english=True)
    said = messages.page_message(messages.JOURNAL_BUSY, 503, _lang(request))[0]
    return JSONResponse({"detail": messages.JOURNAL_BUSY, "message": said, "code": "journal_busy"}, status_code=503,
                        headers=headers)


def _storage_failed(request: Request, e: Exception) -> Response | None:
    """507 (the disk is full) or 503 (the working directory not writable, failing, the journal damaged) naming
    the cause in the reader's language, as the command line's exit 74 does — not "internal error" (fresh40 F3:
    an accept on a full disk answered 500).  Nothing was saved (the journal's transaction rolled back)."""
    from ekte.errors import environment_failure

    if not isinstance(e, (EnvironmentFailure, OSError, sqlite3.DatabaseError)):
        return None  # a bug met while handling a full disk stays an internal error (not the context's cause)
    failure = environment_failure(e)
    if failure is None or failure.code in ("journal_busy", "journal_damaged"):  # (damaged: 500, see README)
        return None
    logging.getLogger("ekte.serve").error("storage failed (%s) in %s %s: nothing was saved", failure.code,
                                          request.method, request.url.path)
    status, headers = (507, None) if failure.code == "disk_full" else (503, {"Retry-After": "300"})
    cause = i18n.STORAGE_CAUSES.get(failure.code, i18n.STORAGE_CAUSES["environment"])
    gettext = i18n.gettext_for(_lang(request))
    said = gettext(messages.STORAGE_FAILED).format(cause=gettext(cause))
    if not _is_api(request):
        return _error(request, status, said, headers)
    return JSONResponse({"detail": f"nothing was saved: {cause}; try again once it is fixed", "message": said,
                         "code": failure.code}, status_code=status, headers=headers)


def _language(request: Request) -> str:
    want = i18n.language_of(request.query_params.get("lang"))  # the command line's resolver: de-DE, EN …
    if want:
        request.session["lang"] = want
        return want
    have = request.session.get("lang")
    if have in i18n.LANGUAGES:
        return have
    if request.url.path.startswith("/api/"):
        accept = request.headers.get("accept-language", "")  # its first language (language_of stops at , or ;)
        return "en" if i18n.language_of(accept) == "en" else i18n.DEFAULT
    return i18n.DEFAULT


def _lang(request: Request) -> str:
    return getattr(request.state, "lang", None) or i18n.DEFAULT


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _handlers(app: FastAPI) -> None:
    _refusal_handlers(app)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "login required", "message": i18n.gettext_for(_lang(request))(
                messages.BY_STATUS[401])}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        if request.method in ("GET", "HEAD"):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        # a form sent after the session ended (POST-only address): back to its page after the login, saying so
        return RedirectResponse("/login?" + urlencode({"next": page_of(request), "unsaved": "1"}), status_code=303)

    @app.exception_handler(Invalid)
    async def invalid(request: Request, exc: Invalid) -> Response:
        errors = [{"field": e.field, "message": i18n.field_error(e, request.state.lang)} for e in exc.errors]
        detail = i18n.gettext_for(request.state.lang)(messages.INVALID_VALUES)
        return JSONResponse({"detail": detail, "errors": errors}, status_code=422)

    @app.exception_handler(SampleMissing)
    async def sample_missing(request: Request, exc: SampleMissing) -> Response:
        from ekte.serve.web import SAMPLE_MISSING

        message = i18n.gettext_for(request.state.lang)(SAMPLE_MISSING)
        if not _is_api(request):
            return _error(request, 422, message)
        return JSONResponse({"detail": message, "errors": [{"field": "sample", "message": message}]}, status_code=422)

    @app.exception_handler(SampleDiffers)
    async def sample_differs(request: Request, exc: SampleDiffers) -> Response:
        from ekte.serve.web import SAMPLE_DIFFERS

        return _error(request, 409, i18n.gettext_for(request.state.lang)(SAMPLE_DIFFERS).format(id=exc.doc_id))

    @app.exception_handler(ConfigError)
    async def config_error(request: Request, exc: ConfigError) -> Response:
        status = 404 if isinstance(exc, q.NotFound) else 409 if isinstance(exc, q.Conflict) else 400
        return _error(request, status, str(exc), english=True)

    @app.exception_handler(StarletteHTTPException)  # also a route that does not exist (404) or a wrong method (405)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None),
                      english=messages.is_untranslated(exc.detail, exc.status_code))

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError) -> Response:
        from ekte.serve.invalid import answer

        return JSONResponse(answer(exc.errors(), request.state.lang), status_code=422)


def _refusal_handlers(app: FastAPI) -> None:
    """The review's refusals that the JSON API says in the request's language, as the station's other ones."""

    @app.exception_handler(UndefinedFields)
    async def undefined_fields(request: Request, exc: UndefinedFields) -> Response:
        """Fields the document's type does not define: 422, in the request's language, one error per field."""
        from ekte.serve import names

        lang = request.state.lang
        message = messages.cli_message(str(exc), lang, names.state_name, i18n.local_time)
        if not _is_api(request):
            return _error(request, 422, message)
        each = i18n.gettext_for(lang)(messages.NOT_A_FIELD).format(title=exc.title)
        return JSONResponse({"detail": message, "errors": [{"field": k, "message": each}
                                                           for k in exc.unknown]}, status_code=422)

    @app.exception_handler(ArchiveDamaged)
    async def archive_damaged(request: Request, exc: ArchiveDamaged) -> Response:
        """409 in the request's language, as the station's other refusals of the JSON API (``code`` for scripts)."""
        if not _is_api(request):
            return _error(request, 409, str(exc), english=True)
        message = messages.page_message(str(exc), 409, request.state.lang)[0]
        return JSONResponse({"detail": message, "code": "archive_damaged"}, status_code=409)


def _error(request: Request, status: int, message: str, headers: dict[str, str] | None = None, *,
           english: bool = False) -> Response:
    """The API's JSON answer (its messages stay as they are), or an error page in the reader's language: an
    *english* message (the pipeline's, a bare status) in words of :mod:`ekte.serve.messages`."""
    from ekte.serve import names

    if _is_api(request):  # detail: as it was (scripts); message: in the reader's language (fresh31)
        said = messages.page_message(message, status, _lang(request), names.state_name)[0] if english else message
        return JSONResponse({"detail": message, "message": said}, status_code=status, headers=headers)
    from ekte.serve.web import render

    detail = None
    if english:
        message, detail = messages.page_message(message, status, request.state.lang, names.state_name)
    if getattr(request.state, "user", None) is None:  # a refused page (403) keeps the reader's navigation
        from ekte.serve.auth import current_user

        try:
            request.state.user = current_user(request)
        except Exception:  # noqa: BLE001 - the error page is shown anyway (without the navigation)
            request.state.user = None
    return render(request, "error.html", {"status": status, "message": message, "detail": detail}, status=status,
                  headers=headers)


def serve(profile: Any, workdir: Path, *, host: str = "127.0.0.1", port: int = 8470,
          connectors: list[str] | None = None, plugins: list[str] | None = None, proxy_header: str | None = None,
          trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1"), secure_cookies: bool = False,
          overrides: list[str] | None = None) -> int:
    """Run the station until SIGTERM/SIGINT (uvicorn)."""
    import uvicorn

    st = Station(profile, workdir, connectors=connectors, plugins=plugins, proxy_header=proxy_header,
                 trusted_proxies=trusted_proxies, secure_cookies=secure_cookies, overrides=overrides).open()
    # From here a stop signal only sets *hurry*: one during the start-up means no server (the close follows at once);
    # uvicorn takes them over while it runs (graceful shutdown; a second Ctrl-C cuts it short) and raises them again
    # when it is done — caught here, so that the station closes its session (claims given back) and ends with exit
    # code 0.  One more during the close's wait for a running quarantine retry kills that retry at once; once the
    # retries are stopped the old handlers are back, so a close that hangs still ends on Ctrl-C.
    hurry = threading.Event()
    old = {s: signal.signal(s, lambda _n, _f: hurry.set()) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            app = create_app(st)
            from ekte.serve.web import warm

            warm()
            logging.getLogger("ekte.serve.access").setLevel(logging.INFO)
            _own_server_log()
            config = uvicorn.Config(app, host=host, port=port, access_log=False, log_config=None,
                                    proxy_headers=False, server_header=False)
            _run(config, hurry)
        finally:
            try:
                st.stop_retries(hurry)
            finally:
                for s, h in old.items():
                    signal.signal(s, h)
    finally:
        st.close()
    return 0


def _run(config: Any, hurry: threading.Event) -> None:
    """uvicorn until its stop signal — not at all when one came during the start-up.  *hurry* afterwards: set when
    more than one came (uvicorn counts them; the second cut its graceful shutdown short), else cleared (the signal
    that stopped the server: the retries get their time)."""
    import contextlib

    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):  # type: ignore[no-untyped-def]
            with super().capture_signals():
                if hurry.is_set():  # came between the check below and uvicorn's own handlers
                    self.should_exit = True
                yield

    if hurry.is_set():
        return
    server = Server(config)
    server.run()
    if not (server.force_exit or len(getattr(server, "_captured_signals", ())) > 1):
        hurry.clear()


class _AsEkte(logging.Filter):
    """uvicorn writes its start, stop and errors as ``uvicorn.error`` (its name for the server's log, whatever the
    level): an operator reads "error" for a normal start.  Its records go out as ``ekte.serve.server`` at their
    own level (INFO for start and stop), through ekte's redacting handler like every other record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.name = "ekte.serve.server"
        return True


def _own_server_log() -> None:
    for name in ("uvicorn.error", "uvicorn"):
        lg = logging.getLogger(name)
        if not any(isinstance(f, _AsEkte) for f in lg.filters):
            lg.addFilter(_AsEkte())
