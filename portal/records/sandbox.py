"""Run one job in a child process under a wall-clock limit and an address-space limit.

WeasyPrint's own docs advise OS limits on time and memory for untrusted documents (security-test-plan.md
§2.1), and a layout bug or a huge record must never hang or bloat a web worker. Each job gets a fresh child
forked from a forkserver that has preloaded portal.records.prefork, so the child starts with WeasyPrint
imported and the stylesheet parsed, but shares nothing writable with the caller. The child sets
RLIMIT_AS (memory) and RLIMIT_CPU (a backstop for the wall clock) on itself before it starts; the parent
waits at most the time limit and then kills it.
"""

from __future__ import annotations

import importlib
import math
import multiprocessing
import multiprocessing.forkserver
import resource
from dataclasses import dataclass
from functools import cache
from multiprocessing.connection import Connection
from typing import Any

from portal.errors import PortalError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    seconds: float = 60.0
    memory_bytes: int = 1024 * MB


@dataclass(frozen=True)
class ChildResult:
    value: Any
    peak_rss_kb: int


class RenderError(PortalError):
    """The record could not be rendered; the message says why, and nothing was written."""


class RenderTimeout(RenderError):
    pass


class RenderFailed(RenderError):
    pass


class RenderUnavailable(RenderError):
    pass


@cache
def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    # Each child re-runs the caller's main script (multiprocessing's rule for forkserver and spawn), so the
    # forkserver preloads what such scripts import; prefork last, as it freezes the heap for the children.
    preload = ["__main__", "portal.records.render", "portal.records.bulk", "portal.records.prefork"]
    context.set_forkserver_preload(preload)
    return context


def start_render_processes() -> None:
    """Start the forkserver now (it imports and warms WeasyPrint in the background) rather than at the first render:
    a server calls this as each worker starts (portal/serving.py)."""
    _context()
    multiprocessing.forkserver.ensure_running()


def run_limited(job: str, args: tuple[Any, ...], limits: Limits) -> ChildResult:
    """Call `module:function` with args in a limited child; its return value, or a RenderError."""
    context = _context()
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, job, args, limits), daemon=True)
    process.start()
    send.close()  # the child holds the only writing end: EOF means it died
    try:
        if not receive.poll(limits.seconds):
            process.kill()
            raise RenderTimeout(
                f"Rendering took longer than {limits.seconds:g} seconds and was stopped. Nothing was written; "
                "try again later."
            )
        status, value, peak = receive.recv()
    except EOFError:
        process.join(5)
        raise RenderFailed(_death_message(process.exitcode, limits)) from None
    finally:
        receive.close()
        _reap(process)
    return _outcome(status, value, peak, limits)


def _outcome(status: str, value: Any, peak: int, limits: Limits) -> ChildResult:
    if status == "ok":
        return ChildResult(value, peak)
    if status == "unavailable":
        raise RenderUnavailable(value)
    if status == "memory":
        raise RenderFailed(
            f"Rendering needed more than its memory limit of {limits.memory_bytes // MB} MB and was "
            "stopped. Nothing was written."
        )
    raise RenderFailed(f"Rendering failed ({value}). Nothing was written.")


def _death_message(exitcode: int | None, limits: Limits) -> str:
    how = f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit code {exitcode}"
    return (
        f"The render process stopped unexpectedly ({how}); it may have exceeded its memory limit of "
        f"{limits.memory_bytes // MB} MB. Nothing was written."
    )


def _reap(process: multiprocessing.process.BaseProcess) -> None:
    process.join(2)  # a child that has replied exits at once; one that does not is killed
    if process.is_alive():
        process.kill()
        process.join(5)
    process.close()


def _child(send: Connection, job: str, args: tuple[Any, ...], limits: Limits) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    cpu = math.ceil(limits.seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        module, _, name = job.partition(":")
        value = getattr(importlib.import_module(module), name)(*args)
        reply = ("ok", value)
    except MemoryError:
        reply = ("memory", None)
    except Exception as error:  # the parent turns every failure into a RenderError with this text
        status = "unavailable" if type(error).__name__ == "RenderingUnavailable" else "error"
        reply = (status, f"{type(error).__name__}: {error}"[:500] if status == "error" else str(error))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        send.send((*reply, peak))
    except MemoryError:
        send.send(("memory", None, peak))
    send.close()
