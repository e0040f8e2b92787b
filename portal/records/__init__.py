"""Decision records: the signed, archival, verifiable file of a decision (design.md §2 step 6).

portal.decisions builds the record (a plain dict, shape in record.schema.json); this package signs it
(signing.py), renders it as PDF/A-3b with the signed envelope attached as record.json (render.py, in a
limited child process: sandbox.py, engine.py), verifies such files (verify.py), and exports many at once
(bulk.py). service.py is the entry point for the rest of the portal.
"""
