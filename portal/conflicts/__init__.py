"""Conflicts of interest: declared by reviewers and investigators, derived by the portal. A conflict beats
every role, chair, coordinator and admin included."""
