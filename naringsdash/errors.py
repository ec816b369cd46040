"""One family of errors meant for people: the message is Swedish, complete and safe to show as plain text.

Anything that is not a ``UserError`` is a bug: the UI shows a generic Swedish message and logs the details
server-side; the command line prints the message and exits 1.
"""

from __future__ import annotations


class UserError(Exception):
    """An error whose message is written for the user (Swedish, no paths, no traceback)."""


class ConfigError(UserError):
    """The reference data or a setting is wrong; refused at start-up."""
