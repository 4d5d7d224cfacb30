"""Every model and page of every app has a factory, and each factory builds a valid row.

One check for the whole project: a model added without its factory fails here, whatever
the app.
"""

import importlib
import inspect

import pytest
from django.apps import apps
from factory.django import DjangoModelFactory

# App label → the module holding its factories.
APPS = {
    "maillage": "maillage.factories",
    "formations": "formations.factories",
    "communautes": "communautes.factories",
    "ressources": "ressources.factories",
    "analyse_pratiques": "analyse_pratiques.factories",
    "recherche": "recherche.factories",
}


def _factories() -> dict:
    """Model → the first factory building it, over every app's factories module."""
    found = {}
    for module_name in APPS.values():
        module = importlib.import_module(module_name)
        for _name, candidate in inspect.getmembers(module, inspect.isclass):
            if not issubclass(candidate, DjangoModelFactory) or candidate.__module__ != module_name:
                continue
            model = candidate._meta.get_model_class()
            if model is not None:
                found.setdefault(model, candidate)
    return found


FACTORIES = _factories()


@pytest.mark.parametrize("label", APPS)
def test_every_model_and_page_has_a_factory(label):
    models = set(apps.get_app_config(label).get_models())
    missing = sorted(model.__name__ for model in models - set(FACTORIES))
    assert missing == [], f"{label}: models without a factory in {APPS[label]}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "factory", FACTORIES.values(), ids=lambda f: f"{f.__module__.split('.')[0]}.{f.__name__}"
)
def test_each_factory_builds_a_valid_row(factory):
    instance = factory()
    assert instance.pk is not None
    instance.refresh_from_db()
    instance.full_clean()
    assert str(instance)
