"""Log formatting and set-up.  Log records name documents by id or hash only."""

from __future__ import annotations

import json
import logging
import sys


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        d = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            d["exception"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(d, ensure_ascii=False)


def setup_logging(verbose: int, fmt: str = "text") -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("ocrmypdf", "pikepdf", "PIL", "pdfminer", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
