"""Governance reports: aggregate measures across committees and institutions, computed in SQL, with small cells
suppressed for cross-institution readers (design §2 step 8). What-if re-screening lives in whatif*.py."""
