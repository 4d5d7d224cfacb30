"""Package list: `site/` is shipped as `maillage` (see package-dir in pyproject.toml)."""

from setuptools import find_packages, setup

APPS = ["formations", "communautes", "ressources", "analyse_pratiques", "recherche"]

setup(
    packages=[
        "maillage" + name[len("site") :] for name in find_packages(include=["site", "site.*"])
    ]
    + find_packages(include=[f"{app}*" for app in APPS]),
)
