"""The shape of the code: which app may import which.

Imports are read from the source (ast), function-level ones included: a lazy import still
ties two modules together, it only hides the knot from the interpreter.
"""

import ast
import collections
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Python package -> folder. `site/` is the project package every app builds on.
PACKAGES = {
    "maillage": "site",
    "formations": "formations",
    "communautes": "communautes",
    "ressources": "ressources",
    "analyse_pratiques": "analyse_pratiques",
    "recherche": "recherche",
}
APPS = ("formations", "communautes", "ressources", "analyse_pratiques", "recherche")


def _sources(folder: str):
    for path in sorted((REPO / folder).rglob("*.py")):
        if "migrations" not in path.relative_to(REPO).parts:
            yield path


def _modules() -> dict[str, Path]:
    modules = {}
    for package, folder in PACKAGES.items():
        for path in _sources(folder):
            parts = [package, *path.relative_to(REPO / folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (the closest enclosing module we know)."""
    modules = _modules()

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = collections.defaultdict(set)
    for module, path in modules.items():
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - (node.level - 1)]
                    source = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    source = node.module or ""
                submodules = [f"{source}.{alias.name}" for alias in node.names]
                named = [name for name in submodules if name in modules]
                targets = named if len(named) == len(submodules) else [source, *named]
            else:
                continue
            for target in filter(None, map(known, targets)):
                if target != module:
                    graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle_and_nothing_else():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_apps():
    """An app may lean on another one way only; the other hears back through signals."""
    graph = _import_graph()
    apps: dict[str, set[str]] = collections.defaultdict(set)
    for module, targets in graph.items():
        for target in targets:
            source_app, target_app = module.split(".")[0], target.split(".")[0]
            if source_app in APPS and target_app in APPS and source_app != target_app:
                apps[source_app].add(target_app)
    assert _cycles(apps) == [], {app: sorted(targets) for app, targets in apps.items()}


def test_no_import_cycle_inside_formations():
    """Inside the app too, modules lean one way: pages on the catalogue, views on services,
    services on tasks, the LHEO import on its task."""
    graph = _import_graph()
    formations = {
        module: {target for target in targets if target.split(".")[0] == "formations"}
        for module, targets in graph.items()
        if module.split(".")[0] == "formations"
    }
    cycles = _cycles(formations)
    # Each knot, with the edges that tie it: what to cut.
    knots = {" ↔ ".join(c): {m: sorted(formations[m] & set(c)) for m in c} for c in cycles}
    assert cycles == [], knots


LARGEST_SHARE = 0.25


@pytest.mark.parametrize("folder", PACKAGES.values())
def test_no_app_folder_holds_more_than_a_quarter_of_the_lines(folder):
    """No folder holds more than a quarter of the apps' Python lines (tests and migrations
    aside), so that each stays one room a newcomer can read."""
    lines = {
        name: sum(len(path.read_text().splitlines()) for path in _sources(name))
        for name in PACKAGES.values()
    }
    assert lines[folder] > 0
    assert lines[folder] <= LARGEST_SHARE * sum(lines.values()), lines
