"""The landing page and the per-role dashboard."""
