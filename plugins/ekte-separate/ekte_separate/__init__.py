"""ekte-separate: split batch scans on separator sheets."""

__version__ = "0.1.0"
