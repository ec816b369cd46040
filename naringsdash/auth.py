"""Roles and named actions: who may do what, checked by one function.

The pages hide what a role may not do, but the package refuses it anyway:
every page and every write calls ``can``/``require`` with a named action.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("lasare", "rapportor", "admin")
ROLE_LABELS = {"lasare": "Läsare", "rapportor": "Rapportör", "admin": "Admin"}

# action → roles allowed. Actions marked per-förvaltning also need the förvaltning to be the user's own.
ACTIONS: dict[str, frozenset[str]] = {
    "view": frozenset({"lasare", "rapportor", "admin"}),            # every dashboard page
    "upload": frozenset({"rapportor", "admin"}),                    # per förvaltning
    "download_template": frozenset({"rapportor", "admin"}),         # per förvaltning
    "view_history": frozenset({"rapportor", "admin"}),              # per förvaltning
    "download_original": frozenset({"rapportor", "admin"}),         # per förvaltning
    "write_analysis": frozenset({"admin"}),
    "restore": frozenset({"admin"}),
    "upload_indicators": frozenset({"admin"}),
    "manage_users": frozenset({"admin"}),
    "edit_reference": frozenset({"admin"}),
    "kolada_sync": frozenset({"admin"}),
}
PER_FORVALTNING = frozenset({"upload", "download_template", "view_history", "download_original"})


class PermissionDenied(Exception):
    def __init__(self, action: str):
        super().__init__(f"Du har inte behörighet till detta ({action}).")
        self.action = action


@dataclass(frozen=True)
class User:
    username: str
    role: str
    forvaltningar: tuple[str, ...] = field(default_factory=tuple)
    display_name: str = ""

    @property
    def label(self) -> str:
        return self.display_name or self.username


ANONYMOUS = User("anonym", "lasare", (), "Anonym läsare")


def can(user: User | None, action: str, forvaltning: str | None = None) -> bool:
    """May this user perform this named action (for this förvaltning)?"""
    if user is None or action not in ACTIONS or user.role not in ACTIONS[action]:
        return False
    if action in PER_FORVALTNING and user.role != "admin" and forvaltning is not None:
        return forvaltning in user.forvaltningar
    return True


def require(user: User | None, action: str, forvaltning: str | None = None) -> None:
    if not can(user, action, forvaltning):
        raise PermissionDenied(action)


def allowed_forvaltningar(user: User | None, action: str, all_codes: list[str]) -> list[str]:
    """The förvaltningar this user may perform a per-förvaltning action for."""
    return [c for c in all_codes if can(user, action, c)]
