"""Held-out evaluation documents (see README.md); run ``python samples/heldout/make.py``."""
