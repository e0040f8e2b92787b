"""Consistency checks: a submitted version's own text compared, passage by passage, with the indicators of the
criteria its screening answers denied, so a reviewer is pointed to passages that may contradict them. A check
points; it never changes a screening, a determination or a decision."""
