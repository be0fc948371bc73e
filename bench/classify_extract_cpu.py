"""Classification + extraction with the text given, in CPU time of this process (bench/run.py's
``classify_extract_rate`` workload: 450 generated texts, default profile), for the ekte tree TREE:

    python bench/classify_extract_cpu.py TREE [ROUNDS] [KEY=VALUE ...]

Prints documents per CPU-second of each round; run two trees alternately to compare them (CPU time
is what other work on the machine disturbs least); KEY=VALUE are profile overrides (``extract.tagger=true``)."""
import sys
import tempfile
import time
from pathlib import Path

root = Path(sys.argv[1]).resolve()
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
sys.path[:0] = [str(root), str(root / "samples")]

import generate  # noqa: E402

from ekte.model import Document  # noqa: E402
from ekte.pipeline import Pipeline  # noqa: E402
from ekte.profile import load_profile  # noqa: E402

tmp = Path(tempfile.mkdtemp())
per = max(1, -(-450 // len(generate.ALL_TYPES)))
truth = generate.generate(tmp / "texts", per_type=per, formats=["pdf"], seed=9, doctypes=generate.ALL_TYPES)
pipe = Pipeline(load_profile(overrides=sys.argv[3:]), tmp / "wd")
rates, right = [], 0
for _ in range(rounds):
    docs = []
    for k, rec in truth.items():
        d = Document(sha256=k.ljust(64, "0")[:64], source=k, size=1, media_type="application/pdf")
        d.page_texts = [rec["text"]]
        docs.append((d, rec))
    c0 = time.process_time()
    right = 0
    for d, rec in docs:
        pipe.understand(d)
        right += d.doctype == rec["type"]
    rates.append(round(len(docs) / (time.process_time() - c0), 1))
print(f"{root}: documents per CPU-second per round {rates}, type accuracy {right / len(truth):.4f}")
