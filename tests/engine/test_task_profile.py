"""benchmark --profile: engine tasks leave a cProfile file each when asked, nothing otherwise."""

from __future__ import annotations

import pstats

from campaigns.services.task_profile import profiled


@profiled("double")
def double(x: int) -> int:
    return x * 2


def test_a_task_leaves_a_readable_profile_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("ENGINE_PROFILE_DIR", str(tmp_path / "prof"))
    assert double(21) == 42
    files = list((tmp_path / "prof").glob("double-*.prof"))
    assert len(files) == 1
    stats = pstats.Stats(str(files[0]))
    assert any(name == "double" for (_, _, name) in stats.stats)


def test_no_profile_without_the_setting(tmp_path, monkeypatch):
    monkeypatch.delenv("ENGINE_PROFILE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert double(2) == 4
    assert not list(tmp_path.rglob("*.prof"))
