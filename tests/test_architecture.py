"""The shape of the code, checked from its imports: dependencies point one way (web/api/cli →
services → models and tally), the API's resource modules never import their package back, and
every use-case takes its access checks from the one kernel, `services/access.py`."""
from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "openbargain"
ACCESS_NAMES = {"membership_of", "require", "bylaws_of", "acting_on", "require_visible", "load_proposal",
                "require_chapter_visible"}


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) for every import in the file; names empty for `import x`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((a.name, []) for a in node.names)
    return found


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).glob("*.py"))


@pytest.mark.parametrize("path", _modules("api"), ids=lambda p: p.name)
def test_no_api_module_imports_its_package_back(path):
    submodules = {p.stem for p in _modules("api")}
    for module, names in _imports(path):
        assert module != "openbargain.api" or set(names) <= submodules, f"{path.name} imports {names} from the package"
        assert not (module == "openbargain" and "api" in names), path.name


@pytest.mark.parametrize("path", _modules("services"), ids=lambda p: p.name)
def test_services_take_access_checks_from_the_kernel_and_point_one_way(path):
    for module, names in _imports(path):
        assert not module.startswith(("openbargain.web", "openbargain.api", "openbargain.cli")), f"{path.name}: {module}"
        if module.startswith("openbargain.services.") and module != "openbargain.services.access":
            assert not set(names) & ACCESS_NAMES, f"{path.name} takes {set(names) & ACCESS_NAMES} from {module}"


@pytest.mark.parametrize("service", ["casting", "mandates", "deliberation", "bargaining"])
def test_use_cases_on_a_proposal_do_not_import_the_proposals_service(service):
    for module, names in _imports(PACKAGE / "services" / f"{service}.py"):
        assert module != "openbargain.services.proposals", service
        assert not (module == "openbargain.services" and "proposals" in names), service


@pytest.mark.parametrize("path", _modules("web") + _modules("api"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_views_run_no_queries_of_their_own(path):
    """Views ask the services; they hold no session and build no query."""
    for module, names in _imports(path):
        assert not module.startswith("sqlalchemy"), f"{path.name}: {module}"
        assert not (module == "openbargain.extensions" and "db" in names), f"{path.name} uses the session"


def test_the_tally_imports_nothing_of_the_app_nor_its_frameworks():
    for path in _modules("tally"):
        for module, _ in _imports(path):
            assert not module.startswith(("flask", "sqlalchemy", "werkzeug")), f"{path.name}: {module}"
            assert not module.startswith("openbargain") or module.startswith("openbargain.tally"), path.name


def test_the_services_import_chain_stays_shallow():
    """It was 12 services deep before the access kernel (demo → … → proposals → bylaws → chapters →
    accounts → throttle → errors); 9 after."""
    services = {p.stem for p in _modules("services")}
    deps: dict[str, set[str]] = {}
    for path in _modules("services"):
        found = set()
        for module, names in _imports(path):
            if module.startswith("openbargain.services."):
                found.add(module.split(".")[2])
            elif module == "openbargain.services":
                found.update(n for n in names if n in services)
        deps[path.stem] = found - {path.stem}

    @functools.cache
    def depth(name: str) -> int:
        return 1 + max((depth(d) for d in deps[name]), default=0)

    assert max(depth(name) for name in deps) <= 9
