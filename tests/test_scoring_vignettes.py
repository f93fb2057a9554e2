"""The shared clinical vignettes of contract version 3, run through the scoring command by the
shared checker (../shared/tools/check_vignettes.py), as CI does. The vignettes are never copied
into the project; the test is skipped, saying why, when ../shared is not beside the project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CHECKER = SHARED / "tools" / "check_vignettes.py"
VIGNETTES = SHARED / "spec" / "vignettes-v3.json"


@pytest.mark.skipif(not (CHECKER.is_file() and VIGNETTES.is_file()),
                    reason=f"the shared clinical files are not beside the project ({CHECKER}, {VIGNETTES})")
def test_the_v3_vignettes_pass():
    proc = subprocess.run([sys.executable, str(CHECKER), str(VIGNETTES), "--python", sys.executable],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert summary.endswith(" passed, 0 failed") and not summary.startswith("0 passed"), summary
