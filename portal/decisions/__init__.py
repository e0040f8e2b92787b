"""Decisions: determinations per criteria set, the outcome, signatures, conditions, clocks and appeals."""
