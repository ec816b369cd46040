"""One family of errors meant for people: the message is Swedish, complete and safe to show as plain text.

Anything that is not a ``UserError`` is a bug: the UI shows a generic Swedish message and logs the details
server-side; the command line prints the message and exits 1.
"""

from __future__ import annotations


class UserError(Exception):
    """An error whose message is written for the user (Swedish, no paths, no traceback)."""


class ConfigError(UserError):
    """The reference data or a setting is wrong; refused at start-up."""


def checked_text(value: object, label: str, limit: int, *, required: bool = True,
                 error: type[Exception] = UserError) -> str | None:
    """Free text a person wrote, trimmed (each line's trailing space, blank lines at either end); None when empty
    and not required. Too long, or empty when required, raises ``error`` with a Swedish message naming ``label``."""
    text = "\n".join(line.rstrip() for line in str(value or "").replace("\r\n", "\n").split("\n")).strip()
    if not text:
        if required:
            raise error(f"{label} får inte vara tom.")
        return None
    if len(text) > limit:
        raise error(f"{label} får vara högst {limit} tecken (den är {len(text)}).")
    return text
