"""Every catalog is compiled: a .mo that lags its .po would show English to Chinese readers."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_compiled_catalogs_match_their_sources():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "translations.py"), "check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
