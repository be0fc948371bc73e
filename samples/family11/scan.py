"""family11's scans are made as family8's (pdftoppm 300 dpi grey, skew, blur, specks, 1 in 10 upside down)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("family8_scan", Path(__file__).resolve().parents[1] / "family8" / "scan.py")
_f8 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_f8)
scan = _f8.scan
