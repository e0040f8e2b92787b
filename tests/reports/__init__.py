"""Tests of governance reports and what-if re-screening."""
