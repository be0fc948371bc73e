"""First in the fork server's preload (:data:`ekte.forkserver.PRELOAD`): the fork server ignores Ctrl-C and
SIGTERM from its start.  A Ctrl-C in a terminal goes to the whole process group; multiprocessing's fork server
ignores SIGINT only once its preload is imported, so a Ctrl-C in a run's first second printed its KeyboardInterrupt
traceback on the user's terminal (fresh29).  SIGTERM too goes to the group (``timeout``, systemd's stop): a fork
server it ended could start no worker while the coordinator was still finishing (fresh30 G8).  The coordinator
decides about interruption; the fork server ends when the coordinator does (its pipe closes); the workers forked
from it ignore SIGINT and take SIGTERM's default again (:func:`ekte.pipeline.workers.init_process`).
:func:`ekte.forkserver.prestart` starts it with SIGTERM blocked, unblocked here once it is ignored (a pending one
is dropped)."""

import os
import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
# ... but what it forks takes SIGTERM's default at once (an ignored disposition is inherited, and
# multiprocessing's fork server restores only SIGINT and SIGCHLD in a child): a pool's terminate()
# or the coordinator's stop must end a worker, also before its initializer ran
os.register_at_fork(after_in_child=lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL))
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
