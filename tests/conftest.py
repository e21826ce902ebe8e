"""Shared test setup: tuned racer settings are cached in a temporary folder, never the user's."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _tuning_cache_in_a_temporary_folder(tmp_path_factory):
    before = os.environ.get("FOGGYMOUNTAIN_CACHE_DIR")
    os.environ["FOGGYMOUNTAIN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("FOGGYMOUNTAIN_CACHE_DIR", None)
    else:
        os.environ["FOGGYMOUNTAIN_CACHE_DIR"] = before
