"""The installed distribution: only `plerome.*` lands in site-packages, never a top-level `domain`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The venv's python, from a folder outside the repository, with no PYTHONPATH help."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("name", ["domain", "ports", "adapters", "entrypoints"])
def test_the_repository_folders_are_not_importable_at_top_level(tmp_path, name):
    result = run_python(f"import {name}", tmp_path)
    assert result.returncode != 0
    assert f"No module named '{name}'" in result.stderr


def test_plerome_modules_resolve_into_site_packages_not_the_repository(tmp_path):
    code = (
        "import sysconfig, plerome.domain, plerome.ports, plerome.adapters.memory, plerome.entrypoints.asgi\n"
        "print(sysconfig.get_paths()['purelib'])\n"
        "for m in (plerome.domain, plerome.ports, plerome.adapters.memory, plerome.entrypoints.asgi):\n"
        "    print(m.__file__)\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    purelib, *files = result.stdout.splitlines()
    assert len(files) == 4
    for file in files:
        path = Path(file).resolve()
        assert path.is_relative_to(Path(purelib).resolve() / "plerome"), path
        for folder in ("domain", "ports", "adapters", "entrypoints"):  # the venv may live in the repo
            assert not path.is_relative_to(REPO / folder), path


def test_the_console_script_is_installed_beside_the_interpreter():
    assert (Path(sys.executable).parent / "plerome").exists()
