"""Reporters turn a Report into text for people or machines."""

from __future__ import annotations

import os


def display_path(path: str) -> str:
    """Paths as the user would type them: relative to the working directory when inside it."""
    if not os.path.isabs(path):
        return path
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith("..") else relative
