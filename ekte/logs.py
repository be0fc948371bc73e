"""Log formatting.  Log records name documents by id or hash only."""

from __future__ import annotations

import json
import logging


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
