"""Jobs for the sandbox tests, run in a render child like portal.records.engine's."""

from __future__ import annotations

import time

from portal.records.engine import RenderingUnavailable


def unavailable() -> None:
    raise RenderingUnavailable("PDF rendering is unavailable: WeasyPrint cannot be loaded (test).")


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def broken() -> None:
    raise ValueError("a template bug")

