"""engine.tables.Table: a resource's rows and indexes, written through to the real store, kept consistent."""
from __future__ import annotations

from dataclasses import dataclass

from twilio_emulator.engine.tables import Table
from twilio_emulator.store import Store


@dataclass
class Thing:
    sid: str
    account_sid: str
    name: str


async def test_save_remove_and_indexes_stay_together_and_survive_a_reload():
    store = Store()
    await store.open()
    try:
        table = Table("thing", Thing, indexes={"name": lambda t: t.name})
        a = await table.save(store, Thing("TH1", "AC1", "alpha"))
        await table.save(store, Thing("TH2", "AC1", "beta"))
        renamed = await table.save(store, Thing("TH1", "AC1", "gamma"))  # same key: the old index entry goes
        assert table.by("name", "gamma") is renamed and table.by("name", "alpha") is None and a is not renamed
        assert sorted(table) == ["TH1", "TH2"] and len(table) == 2 and "TH2" in table
        await table.remove(store, table["TH2"])
        assert table.get("TH2") is None and table.by("name", "beta") is None
        again = Table("thing", Thing, indexes={"name": lambda t: t.name})
        await again.load(store)  # what the store holds is what the table held
        assert [(t.sid, t.name) for t in again.values()] == [("TH1", "gamma")]
        assert again.by("name", "gamma").sid == "TH1"
    finally:
        await store.close()


async def test_a_row_that_fails_its_check_is_skipped_on_load():
    store = Store()
    await store.open()
    try:
        await Table("thing", Thing).save(store, Thing("TH1", "AC1", ""))
        await Table("thing", Thing).save(store, Thing("TH2", "AC1", "fine"))

        def check(t: Thing) -> Thing:
            if not t.name:
                from twilio_emulator.domain.errors import error
                raise error(20001, "name must not be empty")
            return t
        checked = Table("thing", Thing, check=check)
        await checked.load(store)
        assert list(checked) == ["TH2"]
    finally:
        await store.close()
