"""SIDs: two capital letters and 32 lowercase hex digits, drawn from the injected random.Random."""
import random

from twilio_emulator.domain.sids import SidFactory, is_sid


def test_a_seed_gives_the_same_sids_as_ever():
    # The 128-bit number written as 32 hex digits (zero-padded): a seeded emulator keeps its SIDs across versions.
    ours, reference = SidFactory(random.Random(42)), random.Random(42)
    for _ in range(2000):
        assert ours.new("SM") == f"SM{reference.getrandbits(128):032x}"
        assert ours.secret() == f"{reference.getrandbits(128):032x}"


def test_small_numbers_keep_their_leading_zeros():
    class Low(random.Random):
        def getrandbits(self, k):
            return 255
    sid = SidFactory(Low()).new("MG")
    assert sid == "MG" + "0" * 30 + "ff" and is_sid(sid, "MG")
