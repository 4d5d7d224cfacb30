"""Fixtures of the formations tests."""

import pytest

from formations.factories import SessionFactory, UserFactory


@pytest.fixture
def session(db):
    return SessionFactory(capacite=2)


@pytest.fixture
def users(db):
    return [UserFactory() for _ in range(4)]
