"""Screenings: the engine's provisional result for one proposal version under one criteria set, stored
once and never recomputed, with the set's id, version and digest and the engine's version."""
