"""scan._quick (issue 12: references checked as a byte-class pattern, only the longest turned into numbers)
never answers differently from a regex over every cell reference: on odd references it may only hand
the chunk to the exact pass (None), which is always safe."""
import random

from servicepledge.inputs import scan

from test_column_paths import _by_regex   # the regex over every cell reference: the independent answer


def test_row_and_column_by_hand():
    # XFD = 24*676 + 6*26 + 4 = 16384; 1048576 has 7 digits; B9 is smaller than both
    buf = b'<c r="B9"><v>1</v></c><c r="XFD1048576" s="3"><v>2</v></c><c r="AA100"/>'
    assert scan._quick(buf) == (1048576, 16384, 2, False)
    # the largest row is found among the longest references only: 99 < 100 although '9' > '1'
    assert scan._quick(b'<c r="A99"><v>1</v></c><c r="A100"><v>1</v></c>')[:2] == (100, 1)
    # the widest column likewise: ZZ (702) < AAA (703)
    assert scan._quick(b'<c r="ZZ1"><v>1</v></c><c r="AAA1"><v>1</v></c>')[:2] == (1, 703)


def test_odd_references_go_to_the_exact_pass():
    for ref in (b"A012", b"ABCD1", b"A", b"1", b"A1B", b"a1", b"A12345678"):
        assert scan._quick(b'<c r="' + ref + b'"><v>1</v></c>') is None, ref


def test_random_references_agree_with_the_regex_or_go_to_the_exact_pass():
    rng = random.Random(7)
    differ = cautious = 0
    for _ in range(5000):
        cells = []
        for _ in range(rng.randint(0, 6)):
            if rng.random() < 0.85:
                ref = "".join(rng.choice("ABCXYZ") for _ in range(rng.randint(0, 4))) + \
                      "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 8)))
            else:
                ref = "".join(rng.choice('AZBQ09" 5X<>/c') for _ in range(rng.randint(0, 12)))
            tail = rng.choice(['"', '" s="1"', 'A"', '" t="s"', '" s="12AB"', '"/'])
            cells.append(f'<c r="{ref}{tail}><v>{rng.randint(0, 9)}</v></c>')
        buf = "".join(cells).encode()
        q = scan._quick(buf)
        if q is None:
            cautious += 1
            continue
        differ += q[:3] != _by_regex(buf)
    assert differ == 0
    assert cautious < 5000        # most chunks are answered by the quick pass itself
