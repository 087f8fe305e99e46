"""domain.magic_numbers: the quick test of check() names every number check() acts on."""
import inspect
import re

from twilio_emulator.domain import magic_numbers


def test_the_quick_test_knows_every_magic_number_check_acts_on():
    compared = set(re.findall(r'== "(\+\d+)"', inspect.getsource(magic_numbers.check)))
    assert compared and compared == set(magic_numbers._MAGIC)
