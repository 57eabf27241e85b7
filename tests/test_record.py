"""``@record`` behaves as ``@dataclass(frozen=True)`` does: the package's value types (findings,
setups, documents) rely on their equality, hashing, repr, immutability and on dataclasses'
own helpers."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift._record import record


def _define(name: str, decorate: Any) -> Any:
    """The same class body, made by ``decorate``: fields of every kind a record may have."""
    namespace: dict[str, Any] = {
        "__doc__": "A value.",
        "__annotations__": {
            "name": "str",
            "count": "int",
            "tags": "tuple[str, ...]",
            "note": "str",
            "cache": "dict[str, int]",
            "hidden": "int",
        },
        "tags": (),
        "note": dataclasses.field(default="", compare=False),
        "cache": dataclasses.field(default_factory=dict, compare=False, repr=False),
        "hidden": dataclasses.field(default=0, hash=False),
    }
    return decorate(type(name, (), {**namespace, "__module__": __name__}))


Theirs = _define("Theirs", dataclasses.dataclass(frozen=True))
Ours = _define("Ours", record)

_values = st.tuples(
    st.text(max_size=5),
    st.integers(-3, 3),
    st.lists(st.sampled_from("ab"), max_size=2).map(tuple),
    st.sampled_from(["", "n"]),
    st.integers(0, 1),
)


def _both(values: tuple[Any, ...]) -> tuple[Any, Any]:
    name, count, tags, note, hidden = values
    made = {"tags": tags, "note": note, "hidden": hidden}
    return Theirs(name, count, **made), Ours(name, count, **made)


@given(_values, _values)
def test_equality_and_hashing_follow_the_same_fields(
    a: tuple[Any, ...], b: tuple[Any, ...]
) -> None:
    theirs_a, ours_a = _both(a)
    theirs_b, ours_b = _both(b)
    assert (ours_a == ours_b) == (theirs_a == theirs_b)
    assert (ours_a != ours_b) == (theirs_a != theirs_b)
    if ours_a == ours_b:
        assert hash(ours_a) == hash(ours_b)
    # Equal hashes exactly where dataclasses' are (up to collisions, absent in these values).
    assert (hash(ours_a) == hash(ours_b)) == (hash(theirs_a) == hash(theirs_b))


@given(_values)
def test_repr_fields_and_helpers_are_dataclasses_own(values: tuple[Any, ...]) -> None:
    theirs, ours = _both(values)
    assert repr(ours) == repr(theirs).replace("Theirs(", "Ours(", 1)
    assert dataclasses.is_dataclass(type(ours))
    assert [f.name for f in dataclasses.fields(ours)] == [
        f.name for f in dataclasses.fields(theirs)
    ]
    assert dataclasses.asdict(ours) == dataclasses.asdict(theirs)
    assert dataclasses.replace(ours, count=9) == Ours(**{**dataclasses.asdict(ours), "count": 9})
    assert pickle.loads(pickle.dumps(ours)) == ours
    assert copy.deepcopy(ours) == ours
    assert ours.__match_args__ == theirs.__match_args__


def test_other_classes_are_not_equal() -> None:
    theirs, ours = _both(("a", 1, (), "", 0))
    assert ours != theirs
    assert ours != ("a", 1, (), "", 0)
    assert {ours: 1}[Ours("a", 1)] == 1


@pytest.mark.parametrize("name", ["name", "cache", "not_a_field"])
def test_frozen_after_init(name: str) -> None:
    ours = Ours("a", 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(ours, name, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(ours, name)
    assert ours == Ours("a", 1)


def test_post_init_may_normalise_through_object_setattr() -> None:
    @record
    class Roles:
        """Normalises its list to a tuple, as the setup model does."""

        names: tuple[str, ...]

        def __post_init__(self) -> None:
            object.__setattr__(self, "names", tuple(self.names))

    assert Roles(["a"]).names == ("a",)  # type: ignore[arg-type]


def test_every_frozen_class_of_the_package_is_still_a_frozen_dataclass() -> None:
    from iam_redshift.findings import Finding, Location, Severity
    from iam_redshift.model import Setup

    finding = Finding("IR201", Severity.WARNING, "m", "f", "", 1, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "IR202"  # type: ignore[misc]
    assert dataclasses.replace(finding, file="g").file == "g"
    assert finding == dataclasses.replace(finding)
    assert Location("f", 1, 2) == Location("f", 1, 2)
    assert dataclasses.is_dataclass(Setup)
