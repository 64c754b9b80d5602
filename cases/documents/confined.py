"""Run one packing in a child process under a memory ceiling, so one upload cannot exhaust the
machine or leave the worker bloated: the child is forked (it shares the inputs already read, copy
on write), capped with RLIMIT_AS, and sends its progress and its result back through a pipe.

Why a forked child rather than a limit on the worker itself: a failed allocation deep inside a
decoder may leave a process in any state; the child's whole address space goes with it, and the
worker only records the failure. Linux only (fork and /proc), like the deployment.

No database and no settings: the child must not touch the worker's database connection, so the
caller writes progress as it arrives.
"""

from __future__ import annotations

import logging
import os
import resource
import signal
import threading
from collections.abc import Callable
from multiprocessing import Pipe
from typing import Any

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]


class MemoryLimitExceeded(Exception):
    """The job needed more memory than its ceiling (or its child was killed trying)."""


def _address_space_now() -> int:
    """Bytes of address space the process holds already (the worker's libraries, its heap): the
    ceiling comes on top, so it means what the job may add, whatever the worker has loaded."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _is_memory_failure(exc: BaseException) -> bool:
    # Threads need stacks: under the ceiling, starting one fails with a RuntimeError.
    return isinstance(exc, MemoryError) or (
        isinstance(exc, RuntimeError) and "can't start new thread" in str(exc)
    )


def run_confined(
    work: Callable[[Progress], Any], *, limit_bytes: int, progress: Progress | None = None
) -> Any:
    """`work(report)` in a child limited to `limit_bytes` more address space than this process;
    answers its result, raises what it raised (pickled), or MemoryLimitExceeded."""
    report = progress or (lambda percent: None)
    reader, writer = Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:  # the child: never returns, never runs the parent's exit handlers
        status = 0
        try:
            reader.close()
            ceiling = _address_space_now() + limit_bytes
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                ceiling = min(ceiling, hard)
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
            lock = threading.Lock()

            def send_progress(percent: int) -> None:
                with lock:
                    writer.send(("progress", percent))

            try:
                message: tuple[str, Any] = ("done", work(send_progress))
            except BaseException as exc:
                message = ("memory", None) if _is_memory_failure(exc) else ("error", exc)
            try:
                writer.send(message)
            except Exception as exc:  # an unpicklable error, or no memory left to pickle
                writer.send(("memory", None) if _is_memory_failure(exc) else ("error", exc))
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    writer.close()
    finished = False
    try:
        while True:
            try:
                kind, value = reader.recv()
            except EOFError:
                kind, value = "lost", None
            if kind == "progress":
                report(value)
                continue
            break
        _pid, status = os.waitpid(pid, 0)
        finished = True
    finally:
        reader.close()
        if not finished:  # the parent failed (its progress write): the child must not linger
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    if kind == "done":
        return value
    if kind == "error":
        raise value
    if kind == "lost":
        # No answer at all: killed (the kernel's OOM killer) or crashed on a failed allocation.
        logger.error("packing child %s ended without an answer (status %s)", pid, status)
    raise MemoryLimitExceeded(limit_bytes)
