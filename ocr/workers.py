"""The OCR pool's worker processes live no longer than the process that started the pool.

The pool's workers are forked by multiprocessing's forkserver, not by the caller, and each holds
the write end of the forkserver's "alive" pipe and both ends of the pool's call queue. So when the
caller is killed (SIGKILL, the OOM killer), nothing tells them: workers, forkserver and the
resource tracker stayed, holding the caller's stdout and stderr, and whoever read those pipes
waited for ever. Two ties undo that:

- each worker follows the caller: a thread waits for the caller to exit (through a pidfd on Linux,
  by polling elsewhere) and ends the worker at once;
- on Linux each worker also asks the kernel to kill it when its parent, the forkserver, dies
  (``prctl(PR_SET_PDEATHSIG)``).

The forkserver and the resource tracker then leave on their own: they exit when the last holder
of their pipe (the caller and its workers) is gone.
"""

from __future__ import annotations

import ctypes
import errno
import os
import select
import signal
import sys
import threading
import time

from recordroom.core.private import process_alive

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_SECONDS = 0.5  # how often a worker without a pidfd looks for its caller


def start_worker(caller: int) -> None:
    """A pool worker's initializer: tie the worker to ``caller`` (the pid that started the pool).
    The worker loads tesseract when ``TesseractEngine.start`` asks it to, else at its first page
    that needs OCR (``tesseract.page_reader``)."""
    die_with_parent()
    follow(caller)


def die_with_parent() -> None:
    """On Linux, have the kernel kill this process when its parent exits (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return  # no prctl: the thread of ``follow`` still ends the worker


def follow(caller: int) -> None:
    """End this process as soon as process ``caller`` has exited."""
    handle = _open_process(caller)
    if handle == -1:
        os._exit(1)  # the caller is already gone
    threading.Thread(
        target=_end_after, args=(caller, handle), name="follow-caller", daemon=True
    ).start()


def _open_process(pid: int) -> int | None:
    """A pidfd for ``pid`` (readable once it exits), None where pidfds are not available, -1 when
    the process is gone."""
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is None:
        return None if process_alive(pid) else -1
    try:
        handle: int = pidfd_open(pid)
    except ProcessLookupError:
        return -1
    except OSError as error:  # a kernel older than 5.3, or a seccomp filter
        if error.errno not in (errno.ENOSYS, errno.EPERM, errno.EINVAL):
            raise
        return None if process_alive(pid) else -1
    return handle


def _end_after(pid: int, handle: int | None) -> None:
    if handle is not None:
        select.select([handle], [], [])
    else:
        while process_alive(pid):
            time.sleep(POLL_SECONDS)
    os._exit(1)
