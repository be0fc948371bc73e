"""ekte — bring incoming documents into the German electronic file (E-Akte)."""

__version__ = "0.1.0"
