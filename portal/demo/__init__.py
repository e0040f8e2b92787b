"""The demo: a fictional institution, one user per role, and proposals in several states."""
