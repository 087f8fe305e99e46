"""GSM-7 / UCS-2 segment counting (reference §10)."""
import pytest

from twilio_emulator.domain.segments import segment


@pytest.mark.parametrize("text,encoding,segments", [
    ("", "GSM-7", 1), ("a" * 160, "GSM-7", 1), ("a" * 161, "GSM-7", 2), ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3), ("€" * 80, "GSM-7", 1), ("€" * 81, "GSM-7", 2), ("{}[]~\\|^" * 10, "GSM-7", 1), ("{}[]~\\|^" * 20, "GSM-7", 3),
    ("é" * 160, "GSM-7", 1),  # é is in the GSM-7 basic table
    ("ç" * 70, "UCS-2", 1), ("ç" * 71, "UCS-2", 2), ("a" * 134 + "ç", "UCS-2", 3), ("😀" * 35, "UCS-2", 1),
    ("😀" * 36, "UCS-2", 2), ("`", "UCS-2", 1),
])
def test_segments(text, encoding, segments):
    result = segment(text)
    assert (result.encoding, result.segments) == (encoding, segments)


def test_extension_character_is_not_split_across_segments():
    # 152 basic septets + one 2-septet € would straddle the 153-septet boundary: it moves to segment 2.
    assert segment("a" * 152 + "€" + "a" * 10).segments == 2
    assert segment("a" * 152 + "€" + "a" * 152).segments == 3


def test_surrogate_pair_is_not_split_across_segments():
    assert segment("a" * 66 + "😀" + "a" * 67).segments == 3
