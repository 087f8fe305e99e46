"""Dataclasses built by keyword at the cost of a call by position.

CPython 3.11 passes a class call's keywords to `__init__` in a dict it builds for the call (type_call ->
slot_tp_init): a SendRequest made from 15 keywords took 1.1 µs, by position 0.3 µs, through a function that
takes the keywords and calls the class by position 0.46 µs (timeit, this project's VM). A plain function
takes keywords without the dict (vectorcall).
"""
from __future__ import annotations

from typing import Callable, TypeVar

T = TypeVar("T")


def by_keyword(cls: type[T]) -> Callable[..., T]:
    """A function with the signature of `cls(...)` (the same parameters and defaults: a default factory's
    marker is passed on, and cls's __init__ applies the factory) that calls `cls` by position."""
    init = cls.__init__
    code = init.__code__
    if code.co_kwonlyargcount or code.co_flags & 0x0C:  # keyword-only fields, *args or **kwargs: not handled
        raise TypeError(f"{cls.__name__}.__init__ takes more than positional-or-keyword parameters")
    names = code.co_varnames[1:code.co_argcount]  # after self
    namespace = {"cls": cls}
    exec(f"def make({', '.join(names)}):\n    return cls({', '.join(names)})", namespace)  # noqa: S102 (names only)
    make = namespace["make"]
    make.__defaults__ = init.__defaults__
    make.__name__ = make.__qualname__ = f"{cls.__name__}.make"
    make.__doc__ = f"{cls.__name__}(...) by keyword, called by position (domain.records)."
    return make
