"""Frozen records: the package's frozen dataclasses, made cheaper to define.

On Python 3.11 and 3.12 :func:`dataclasses.dataclass` compiles each method it writes
(``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``) from
source text, one ``exec`` each: about 0.7 ms a frozen class. A lint defines some forty of them
before it reads a file, a quarter of a cold start that pre-commit pays on every commit.

:func:`record` (for ``@dataclass(frozen=True)``) lets :mod:`dataclasses` write the three
methods that make a class a frozen dataclass (``__init__``, ``__setattr__``, ``__delattr__``:
the instances, fields, defaults, factories, ``__post_init__``, :func:`dataclasses.fields`,
:func:`dataclasses.replace` and :func:`dataclasses.asdict` are all dataclasses' own) and gives
the class shared, already compiled methods for the other three, with the same behaviour:
equality and hashing over the fields whose ``compare`` (``hash``) is true, ``NotImplemented``
against any other class, and the dataclass ``repr`` (the fields whose ``repr`` is true).
Defining a class costs about 60% as much; using its instances, the same.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:  # only type checkers read it (typing has it from Python 3.11 on; we support 3.10)

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda function: function


__all__ = ["cached_view", "record"]

_T = TypeVar("_T")


def _values(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function from an instance to the tuple of its attributes ``names``."""
    if not names:
        return lambda _: ()
    if len(names) == 1:
        get = operator.attrgetter(names[0])
        return lambda instance: (get(instance),)
    return operator.attrgetter(*names)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    compared = self.__class__.__record_compared__
    return bool(compared(self) == compared(other))


def _hash(self: Any) -> int:
    return hash(self.__class__.__record_hashed__(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_shown__)
    return f"{self.__class__.__qualname__}({shown})"


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def record(cls: type[_T]) -> type[_T]:
    """Make ``cls`` a frozen dataclass, as ``@dataclass(frozen=True)`` does. See the module's
    documentation for what differs: only the cost of defining the class."""
    made = dataclasses.dataclass(cls, frozen=True, eq=False, repr=False)
    fields = dataclasses.fields(made)  # type: ignore[arg-type]
    compared = tuple(f.name for f in fields if f.compare)
    hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
    for name, value in (
        ("__record_compared__", staticmethod(_values(compared))),
        ("__record_hashed__", staticmethod(_values(hashed))),
        ("__record_shown__", tuple(f.name for f in fields if f.repr)),
        ("__eq__", _eq),
        ("__hash__", _hash),
        ("__repr__", _repr),
    ):
        setattr(made, name, value)
    return made


class _CachedView:
    """:func:`functools.cached_property` for records: worked out on first use, then kept as an
    attribute of the instance, where attribute lookup finds it before this descriptor.

    Two differences, both for speed on Python 3.11, where a lint reads thousands of statements'
    views (``named_services``, ``action_patterns``...):

    - no lock: cached_property takes an RLock on every first computation before Python 3.12, a
      tenth of the cost of reading a view. A lint reads a document in one thread; two threads
      sharing one view would at worst both work it out, to equal values;
    - set with ``object.__setattr__`` (the instances are frozen), not through the instance's
      ``__dict__``: asking for ``__dict__`` turns an instance's inline attribute values into a
      dict of their own, and every attribute look-up on it after that is slower by half
      (``statement.data``: 113 ns against 62 ns).
    """

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = self.function(instance)
        object.__setattr__(instance, self.name, value)
        return value


# Type checkers see cached_property, whose types they know (a plain class, not a generic one,
# costs a cold start nothing).
if TYPE_CHECKING:
    cached_view = functools.cached_property
else:
    cached_view = _CachedView
