"""The public surface: ``tanxin_rules.__init__`` is the one place users import from."""

from __future__ import annotations

import ast
from pathlib import Path

import tanxin_rules

INIT = Path(tanxin_rules.__file__)


def test_all_is_sorted() -> None:
    """``__all__`` is sorted, so additions are reviewed in one obvious place."""
    assert list(tanxin_rules.__all__) == sorted(tanxin_rules.__all__)


def test_all_matches_imports() -> None:
    """Every name imported into ``__init__`` is in ``__all__`` and every ``__all__`` name exists."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    imported = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == set(tanxin_rules.__all__)
    for name in tanxin_rules.__all__:
        assert getattr(tanxin_rules, name) is not None


def test_public_names_come_from_private_modules() -> None:
    """Implementation lives in ``_private`` modules; ``__init__`` only re-exports."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            assert node.level == 1
            assert node.module is not None
            assert node.module.startswith("_")


def test_py_typed_is_shipped() -> None:
    """The package carries ``py.typed`` so type checkers use its annotations."""
    assert (INIT.parent / "py.typed").is_file()


def test_errors_subclass_value_error() -> None:
    """Every leaf error is also a ``ValueError``, under the one root ``TanxinError``."""
    for cls in (tanxin_rules.PolicyError, tanxin_rules.InputError, tanxin_rules.CalendarError):
        assert issubclass(cls, tanxin_rules.TanxinError)
        assert issubclass(cls, ValueError)


def test_errors_survive_pickling() -> None:
    """Errors cross process boundaries intact (evaluate_many, Dask)."""
    import pickle  # noqa: PLC0415 - only this test needs it

    problem = tanxin_rules.Problem("bad", file="f.yaml", line=3, col=4)
    for error in (tanxin_rules.PolicyError([problem]), tanxin_rules.InputError([problem])):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert copy.problems == (problem,)
        assert str(copy) == str(error)
    calendar = tanxin_rules.CalendarError("outside", where="cn")
    copy = pickle.loads(pickle.dumps(calendar))
    assert (copy.where, str(copy)) == ("cn", str(calendar))
