"""The watch-folder daemon (``ekte watch``) and ``ekte status``.

=========  ==============================================================
safety     refused set-ups, one daemon per watched folder, network shares
stability  when a file is complete (FileStabilityTracker + type checks)
disposal   clearing the inbox: the one way an input is moved
status     per-daemon status files, merged for ``ekte status``
daemon     the loop
=========  ==============================================================
"""

from ekte.watch.daemon import Watcher
from ekte.watch.safety import NETWORK_FS, check_setup, filesystem_type
from ekte.watch.stability import FileStabilityTracker
from ekte.watch.status import STATUS_FILE, read_status

__all__ = ["Watcher", "NETWORK_FS", "check_setup", "filesystem_type", "FileStabilityTracker", "STATUS_FILE",
           "read_status"]
