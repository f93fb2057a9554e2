"""Issue 5 item 9: dependencies pinned, none below a known-fixed security release.

The tables below are the project's record of security releases it depends on. When an
advisory lands for a dependency, add a row (package, first fixed version, advisory) here; the
test then fails until the pin is raised. Transitive packages (not pinned by us, installed by
the pinned ones) are checked in the installed environment.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT_FILES = ("requirements.txt", "requirements-dev.txt")

# Packages we pin: the first release that fixes the advisory named.
PINNED_FLOORS = {
    "streamlit": ("1.54.0", "issue 5: Streamlit below 1.54 has known-fixed security advisories"),
    "pillow": ("11.3.0", "CVE-2025-48379 (DDS encoder heap overflow); CVE-2024-28219 fixed in 10.3.0"),
    "cryptography": ("44.0.1", "CVE-2024-12797 (OpenSSL in the wheels); CVE-2024-26130 fixed in 42.0.4"),
    "sqlalchemy": ("1.3.0", "CVE-2019-7164 / CVE-2019-7548 (SQL injection via order_by/group_by)"),
    "pypdf": ("6.0.0", "CVE-2025-55197 (unbounded FlateDecode memory use)"),
}
# Packages the pinned ones bring in: checked as installed.
TRANSITIVE_FLOORS = {
    "jinja2": ("3.1.6", "CVE-2025-27516 (sandbox breakout through |attr)"),
    "starlette": ("0.49.1", "CVE-2025-62727 (Range header DoS); CVE-2025-54121 fixed in 0.47.2"),
    "h11": ("0.16.0", "CVE-2025-43859 (chunked-encoding request smuggling)"),
    "python-multipart": ("0.0.18", "CVE-2024-53981 (multipart boundary DoS)"),
    "protobuf": ("5.29.5", "CVE-2025-4565 (recursion DoS in the pure-Python parser)"),
    "pyarrow": ("14.0.1", "CVE-2023-47248 (deserialisation of untrusted IPC data)"),
    "urllib3": ("2.5.0", "CVE-2025-50181 / CVE-2025-50182 (redirect controls ignored)"),
    "requests": ("2.32.4", "CVE-2024-47081 (.netrc credentials leaked to other hosts)"),
    "idna": ("3.7", "CVE-2024-3651 (quadratic-time encode DoS)"),
    "certifi": ("2024.7.4", "CVE-2024-39689 (GLOBALTRUST root removed)"),
    "fonttools": ("4.43.0", "CVE-2023-45139 (XXE in the SVG table)"),
    "pygments": ("2.15.0", "CVE-2022-40896 (ReDoS in SmithyLexer)"),
}

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[A-Za-z0-9_,.-]+\])?"
                 r"==(?P<version>[0-9][^\s;#]*)\s*$")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_lines(filename: str) -> list[tuple[int, str]]:
    lines = []
    for number, raw in enumerate((ROOT / filename).read_text().splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            lines.append((number, line))
    return lines


def _pins() -> dict[str, str]:
    pins = {}
    for filename in REQUIREMENT_FILES:
        for _, line in _requirement_lines(filename):
            match = PIN.match(line)
            if match:
                pins[_canonical(match["name"])] = match["version"]
    return pins


@pytest.mark.parametrize("filename", REQUIREMENT_FILES)
def test_every_requirement_is_pinned_exactly(filename):
    loose = [f"{filename}:{n}: {line}" for n, line in _requirement_lines(filename)
             if not PIN.match(line) and line != "-r requirements.txt"]
    assert not loose, "not pinned with == :\n" + "\n".join(loose)


@pytest.mark.parametrize("package", sorted(PINNED_FLOORS))
def test_pinned_version_is_at_or_above_the_fix(package):
    floor, advisory = PINNED_FLOORS[package]
    pins = _pins()
    assert package in pins, f"{package} is no longer pinned: drop or move its row ({advisory})"
    assert Version(pins[package]) >= Version(floor), \
        f"{package}=={pins[package]} is below {floor}, which fixes {advisory}"


@pytest.mark.parametrize("package", sorted(TRANSITIVE_FLOORS))
def test_installed_dependency_is_at_or_above_the_fix(package):
    floor, advisory = TRANSITIVE_FLOORS[package]
    try:
        installed = metadata.version(package)
    except metadata.PackageNotFoundError:
        pytest.skip(f"{package} is not installed")
    assert Version(installed) >= Version(floor), f"{package} {installed} is below {floor}: {advisory}"


@pytest.mark.parametrize("package", sorted(_pins()))
def test_installed_version_matches_the_pin(package):
    pinned = _pins()[package]
    assert Version(metadata.version(package)) == Version(pinned), \
        f"{package}: installed {metadata.version(package)}, pinned {pinned}; run make (it reinstalls)"


def test_floors_would_catch_an_old_pin():
    """The comparison itself: a pin below the floor fails, the floor itself passes."""
    assert Version("1.53.9") < Version(PINNED_FLOORS["streamlit"][0]) <= Version("1.54.0")
    assert PIN.match("streamlit>=1.54") is None and PIN.match("psycopg[binary]==3.3.9")
