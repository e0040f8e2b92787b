"""Imported once, by the forkserver that forks every render process (sandbox.py preloads it); nowhere else.

It warms WeasyPrint (stylesheet parsed, fonts loaded, layout caches filled) so that no render pays the
cold start, then freezes the heap: the children never run a collection over the forkserver's objects,
which would touch, and so copy, every page of that heap in every child.
"""

from __future__ import annotations

import gc

from portal.records import engine

if engine.UNAVAILABLE is None:
    engine.warm_up()
gc.collect()
gc.freeze()
