"""The domain tests that open a real encrypted store are marked ``store``, so the fast pure
run (mutation testing: ``-m "not store"``) can leave them out."""

from __future__ import annotations

import pytest

STORE_FIXTURES = {"school", "head_session", "session_as"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "store: opens a real encrypted store (not part of the fast pure-domain run)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if STORE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.store)
