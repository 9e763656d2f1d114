"""crisisplan: a social-media crisis plan as validated YAML, rendered into a handbook.

The core never imports MkDocs: `check_plan` loads and validates a plan
folder and returns the plan with every problem found; the MkDocs hook
(`crisisplan.mkdocs_hook`, the one module that imports MkDocs, re-exported
by a plan repository's `hooks/handbook.py`) and the command line are thin
users of it.
"""
from .plan import Plan, Report, check_plan

__all__ = ["Plan", "Report", "check_plan"]
