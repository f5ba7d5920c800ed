"""Shared fixtures: the example article, the shared folder, and one coder per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "xinhua-2024-06-29-china-peru.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def coder():
    """Loading spaCy and the dictionaries takes seconds: do it once."""
    from communique.pipeline import Coder

    return Coder.load()


@pytest.fixture
def example_path() -> Path:
    return EXAMPLE


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test when it is absent (e.g. outside this workplace)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path
