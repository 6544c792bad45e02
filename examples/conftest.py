"""Makes ``builder_ops`` importable when the example suite runs from the repository root."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
