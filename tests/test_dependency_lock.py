"""Installs come from the lock files, and the lock files hold what requirements*.txt ask for: two
installs a month apart run the same code."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;#]+)")


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-r", "-c")):
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: not pinned exactly: {line!r}"
        found[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return found


@pytest.mark.parametrize(("asked", "lock"), [("requirements.txt", "requirements.lock"),
                                             ("requirements-dev.txt", "requirements-dev.lock")])
def test_the_lock_holds_every_direct_dependency_at_its_pinned_version(asked, lock):
    wanted = pins(ROOT / asked)
    locked = pins(ROOT / lock)
    assert {name: locked.get(name) for name in wanted} == wanted
    assert len(locked) > len(wanted)  # the indirect ones are pinned too


def test_the_dev_lock_agrees_with_the_runtime_lock():
    runtime, dev = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime


@pytest.mark.parametrize(("path", "lock"), [("Makefile", "requirements.lock"), ("Dockerfile", "requirements.lock"),
                                            ("scripts/test", "requirements-dev.lock")])
def test_every_install_reads_a_lock_file(path, lock):
    text = (ROOT / path).read_text()
    installs = [line for line in text.splitlines() if "pip install" in line]
    assert installs and all(lock in line for line in installs), installs
