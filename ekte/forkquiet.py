"""First in the fork server's preload (:data:`ekte.forkserver.PRELOAD`): the fork server ignores Ctrl-C from
its start.  A Ctrl-C in a terminal goes to the whole process group; multiprocessing's fork server ignores
SIGINT only once its preload is imported, so a Ctrl-C in a run's first second printed its KeyboardInterrupt
traceback on the user's terminal (fresh29).  The coordinator decides about interruption; the workers forked
from the fork server ignore SIGINT as well (:func:`ekte.pipeline.workers.init_process`)."""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
