"""Governance criteria as data, and the pure screening engine.

Nothing here imports Flask, SQLAlchemy or any web code: `loader` reads and validates the YAML files of
`review_criteria/`, `conditions` compiles their conditions into plain callables, and `engine.screen()`
evaluates a set against a proposal's answers. tests/test_layering.py keeps it that way.
"""
