"""Fault rules (issue 18): kept in a table (the store's records, cleared by reset), matched where they act —
the REST wrapper (api), status callbacks (callbacks), inbound webhooks (sessions), the carrier's plan
(messaging) — each of which asks `fire()` whether a rule acts on its event. With no rule set, each place
pays one test of `rules`. The rules themselves are domain.faults."""
from __future__ import annotations

import random
from typing import TYPE_CHECKING, Callable

from ..domain import faults as rules
from ..domain.errors import NotFound
from ..domain.faults import FaultRule
from .tables import Table

if TYPE_CHECKING:
    from . import Emulator

KIND = "fault_rule"


class Faults:
    def __init__(self, emu: "Emulator"):
        self.emu = emu
        self.table: Table[FaultRule] = Table(KIND, FaultRule)
        self.rules = self.table.rows  # by SID; empty when none is set (the hot paths test it: no call)
        self._rngs: dict[str, random.Random] = {}

    def listed(self) -> list[FaultRule]:
        return sorted(self.table.values(), key=lambda r: (r.date_created, r.sid))

    def get(self, sid: str) -> FaultRule:
        rule = self.table.get(sid)
        if rule is None:
            raise NotFound()
        return rule

    async def add(self, body: dict) -> FaultRule:
        rule = rules.check(body, self.emu.sids.new("FR"), self.emu.now())
        return await self.table.save(self.emu.store, rule)

    async def remove(self, sid: str) -> None:
        await self.table.remove(self.emu.store, self.get(sid))
        self._rngs.pop(sid, None)

    def clear_generators(self) -> None:
        self._rngs.clear()

    def fire(self, where: str, event: dict, eligible: Callable[[FaultRule], bool] | None = None) -> FaultRule | None:
        """The first rule of `where` (oldest first) that matches `event` and acts on it now; its counts are
        kept (and written in the background: they are for reading back, not for recovery)."""
        if not len(self.table):
            return None
        for rule in self.listed():
            if rule.where != where or rule.spent or not rules.matches(rule, event):
                continue
            if eligible is not None and not eligible(rule):
                continue
            rule.seen += 1
            rng = self._rngs.get(rule.sid)
            if rng is None and rule.probability is not None:
                rng = self._rngs[rule.sid] = random.Random(rule.seed)
            if not rules.fires(rule, rng):
                continue
            rule.fired += 1
            self.emu.background.spawn(self.table.save(self.emu.store, rule))
            if self.emu.activity.enabled:
                self.emu.activity.line(f"fault {rule.sid} ({where}) acts: {rule.do}")
            return rule
        return None
