"""MkDocs hooks of this repository's handbook: see crisisplan.mkdocs_hook."""
from crisisplan.mkdocs_hook import *  # noqa: F401,F403
