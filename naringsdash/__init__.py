"""Näringsdash: follow-up of Trelleborgs kommun's action plan for business development."""

__version__ = "0.1.0"
