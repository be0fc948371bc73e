"""The clerk's station (``ekte serve``): review queue, quarantine, history
and statistics as server-rendered pages in German (English selectable),
and the JSON API under ``/api/v1/``.

=========  ===============================================================
station    the server process's state: profile, pipeline session, readers
app        FastAPI app, middleware, error handling, ``serve()``
auth       users, tokens, proxy SSO, sessions, CSRF (one layer for all)
web        Prüfkorb pages and actions
admin      Quarantäne, Verlauf, Statistik, Benutzer pages
api        the JSON API (routers per area)
pages      page images (pypdfium2, cached) and the found text's boxes
charts     SVG charts (also used by ``ingest --report``)
report     the batch report of ``ekte ingest --report``
i18n       German/English catalogs (Babel/gettext), local dates
=========  ===============================================================

Importing this package does not import FastAPI (the CLI uses ``i18n``)."""
