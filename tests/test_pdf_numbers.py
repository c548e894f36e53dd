"""Page numbers drawn at assembly (ctportal/pdf/numbers.py): the font subset and its cache."""
from __future__ import annotations

import re

from ctportal.pdf import numbers


def test_the_font_subset_is_kept_and_read_back(tmp_path):
    made = numbers.metrics(tmp_path)
    [kept] = tmp_path.glob("page-numbers-font-*.json")
    assert numbers.metrics(tmp_path) == made == numbers.metrics()
    assert made.program[:4] == b"\x00\x01\x00\x00" and len(made.program) < 10_000  # TrueType, subset
    assert set(made.widths) == set(numbers.CHARS)
    kept.write_text("{not json")  # a damaged cache file is made again, not trusted
    assert numbers.metrics(tmp_path) == made
    assert not list(tmp_path.glob(".partial-*"))


def test_a_number_is_centred_on_the_content_box():
    m = numbers.metrics()
    width = 595.2756
    centre = numbers.MARGIN_LEFT + (width - numbers.MARGIN_LEFT - numbers.MARGIN_RIGHT) / 2
    for n, total in ((1, 9), (12, 466), (466, 466)):
        ops = numbers.operators(n, total, width, m).decode()
        x = float(re.search(r"Tf 0 g ([\d.]+) [\d.]+ Td", ops).group(1))
        assert f"({n} / {total}) Tj" in ops
        assert abs(x + numbers.text_width(f"{n} / {total}", m) / 2 - centre) < 0.01
