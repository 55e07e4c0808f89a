"""Write the sample input workbook: python samples/make_sample.py [OUT] (default samples/servicepledge-sample.xlsx)."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "addin"))

from servicepledge.sample import build_sample  # noqa: E402

if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "samples" / "servicepledge-sample.xlsx"
    path = build_sample(out)
    print(f"{path} ({path.stat().st_size:,} bytes)")
