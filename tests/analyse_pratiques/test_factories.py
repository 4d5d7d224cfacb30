"""Every model of the app has a factory that builds a valid row."""

import inspect

import pytest
from django.apps import apps
from factory.django import DjangoModelFactory

from analyse_pratiques import factories

FACTORIES = {
    f._meta.model: f
    for _name, f in inspect.getmembers(factories, inspect.isclass)
    if issubclass(f, DjangoModelFactory) and f._meta.model is not None
}


def test_every_model_has_a_factory():
    models = set(apps.get_app_config("analyse_pratiques").get_models())
    assert models - set(FACTORIES) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES.values(), ids=lambda f: f.__name__)
def test_factory_builds_a_valid_row(factory):
    instance = factory()
    instance.full_clean()
