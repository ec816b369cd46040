"""The adopted handlingsplan per year: its activities, goals and indicator links (``model``), the
``Handlingsplan`` workbook sheet (``sheet``), and the demo plans (``demo``)."""

from .model import *  # noqa: F403  (the plan's public functions: import, read, coverage, revision, links, goals)
from .model import __all__ as _model_all
from .sheet import PlanParsed, plan_workbook_bytes, validate_plan

__all__ = [*_model_all, "PlanParsed", "plan_workbook_bytes", "validate_plan"]
