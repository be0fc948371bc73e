"""A third generator family of county applications (Landkreis Wiesenau),
written independently of samples/generate.py and samples/heldout: the final
test set for classification and extraction.  Evaluation only: never tune
rules on it, never train on it.  See README.md."""
