"""A resource's records as a table: kept in memory with its indexes, written through to the store, loaded at
start and cleared by reset, in one place (issue 15: the Emulator's caches were dicts that engine modules
wrote directly and kept consistent by convention). Writes go through save()/remove(), which commit first and
then update the table and every index together; reads use get(), by() and the index views."""
from __future__ import annotations

import logging
from operator import attrgetter
from typing import Callable, Generic, Iterator, Mapping, TypeVar

from ..domain.errors import TwilioError
from ..store import Op, Store, records

T = TypeVar("T")
log = logging.getLogger(__name__)


class Table(Generic[T]):
    def __init__(self, kind: str, cls: type[T], key: Callable[[T], str] = attrgetter("sid"),
                 indexes: dict[str, Callable[[T], str]] | None = None,
                 groups: dict[str, Callable[[T], str]] | None = None, check: Callable[[T], T] | None = None):
        """`kind`: its records' kind in the store; `key`: its key there and here; `indexes`: name -> the
        value a row is found by (unique); `groups`: name -> the value rows are grouped by (a service's
        senders); `check`: the domain validator a loaded row must pass (a row that fails is skipped with a
        warning, so that no stored value breaks a later request)."""
        self.kind, self.cls, self._key, self._check = kind, cls, key, check
        self._index_of, self._group_of = indexes or {}, groups or {}
        self._rows: dict[str, T] = {}
        # The same dict, for a hot path to test without a Python call (`if table.rows`); only the table writes it.
        self.rows: Mapping[str, T] = self._rows
        self.get = self._rows.get  # the common read, without a call of ours around it (the dict is never replaced)
        self._indexes: dict[str, dict[str, T]] = {name: {} for name in self._index_of}
        self._groups: dict[str, dict[str, dict[str, T]]] = {name: {} for name in self._group_of}

    # ---- reads ----------------------------------------------------------------------------------------------
    def get(self, key: str, default: T | None = None) -> T | None:  # replaced per instance by the dict's own get
        return self._rows.get(key, default)

    def __getitem__(self, key: str) -> T:
        return self._rows[key]

    def by(self, index: str, value: str) -> T | None:
        return self._indexes[index].get(value)

    def group(self, name: str, value: str) -> Mapping[str, T]:
        """The rows whose `name` value is `value`, by key (empty when none)."""
        return self._groups[name].get(value, {})

    def index(self, name: str) -> Mapping[str, T]:
        """The index itself, to read (`in`, .get, iteration); only the table writes it."""
        return self._indexes[name]

    def values(self):
        return self._rows.values()

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    # ---- writes ---------------------------------------------------------------------------------------------
    def put(self, row: T) -> Op:
        """The write of `row`, for a batch of the caller's (then remember() it once committed)."""
        return records.put(self.kind, row, key=self._key(row))

    def delete(self, row: T) -> Op:
        """The delete of `row`, for a batch of the caller's (then forget() it once committed)."""
        return records.delete(self.kind, self._key(row))

    async def save(self, store: Store, row: T, *also: Op) -> T:
        await store.write(self.put(row), *also)
        self.remember(row)
        return row

    async def remove(self, store: Store, row: T, *also: Op) -> None:
        await store.write(self.delete(row), *also)
        self.forget(row)

    def remember(self, row: T) -> None:
        key = self._key(row)
        old = self._rows.get(key)
        if old is not None:
            self._unindex(old)
        self._rows[key] = row
        for name, value_of in self._index_of.items():
            self._indexes[name][value_of(row)] = row
        for name, value_of in self._group_of.items():
            self._groups[name].setdefault(value_of(row), {})[key] = row

    def forget(self, row: T) -> None:
        old = self._rows.pop(self._key(row), None)
        if old is not None:
            self._unindex(old)

    def _unindex(self, row: T) -> None:
        for name, value_of in self._index_of.items():
            if self._indexes[name].get(value_of(row)) is row:
                del self._indexes[name][value_of(row)]
        key = self._key(row)
        for name, value_of in self._group_of.items():
            members = self._groups[name].get(value_of(row))
            if members is not None and members.get(key) is row:
                del members[key]
                if not members:
                    del self._groups[name][value_of(row)]

    # ---- lifecycle ------------------------------------------------------------------------------------------
    async def load(self, store: Store) -> None:
        self.clear()
        for row in await records.load_all(store, self.kind, self.cls):
            if self._check is not None:
                try:
                    row = self._check(row)
                except TwilioError as exc:
                    log.warning("store: %s %s ignored (%s)", self.kind, self._key(row), exc.message)
                    continue
            self.remember(row)

    def clear(self) -> None:
        self._rows.clear()
        for index in (*self._indexes.values(), *self._groups.values()):
            index.clear()
