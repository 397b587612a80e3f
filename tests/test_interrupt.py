"""A unit is written whole or not at all, and a batch can be stopped, through the real command.

A full disk, Ctrl-C, kill -9 and a unit past its time limit leave no half-written unit and
no orphan workers; what a killed run left behind is removed by the next run. Disk failures
and slow units are simulated in the command's own process by a sitecustomize shim.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from jixiao.errors import ContentError
from jixiao.output import temp_name
from jixiao.project import Document
from tests.conftest import REPO, cli_env, copy_samples

SHIM = textwrap.dedent(
    """
    import errno, os, signal, time

    _full = os.environ.get("SHIM_FULL_AFTER")
    if _full is not None:  # the disk fills up after this many .docx files
        _real_fsync, _docx = os.fsync, []

        def fsync(fd):
            if os.readlink(f"/proc/self/fd/{fd}").endswith(".docx"):
                _docx.append(fd)
                if len(_docx) > int(_full):
                    raise OSError(errno.ENOSPC, "No space left on device")
            return _real_fsync(fd)

        os.fsync = fsync

    _slow = os.environ.get("SHIM_SLOW_UNIT")
    if _slow is not None:  # this unit takes long to build; "stuck": deaf to signals too
        import jixiao.project

        _build = jixiao.project.build

        def build(unit_year, prepared=None):
            if unit_year.id == _slow:
                if os.environ.get("SHIM_STUCK"):
                    held = {signal.SIGALRM, signal.SIGTERM}
                    signal.pthread_sigmask(signal.SIG_BLOCK, held)
                time.sleep(float(os.environ.get("SHIM_SLEEP", "8")))
            return _build(unit_year, prepared)

        jixiao.project.build = build

    _die = os.environ.get("SHIM_DIE_UNIT")
    if _die is not None:  # the worker building this unit dies, as the OOM killer would do
        import jixiao.project

        _build_or_die = jixiao.project.build

        def build(unit_year, prepared=None):
            if unit_year.id == _die:
                os._exit(9)
            return _build_or_die(unit_year, prepared)

        jixiao.project.build = build
    """
)
SAMPLE, YEAR = "lukou-zzb", "2023"


def shim_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The command's environment with the shim loaded first (SHIM_* `settings`)."""
    folder = tmp_path / "shim"
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(SHIM, encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
    return cli_env(PYTHONPATH=path, **{f"SHIM_{k.upper()}": v for k, v in settings.items()})


def jixiao(
    root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python -m jixiao --root ROOT ARGS` in ROOT, with `env`."""
    return subprocess.run(
        [sys.executable, "-m", "jixiao", "--root", str(root), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env or cli_env(),
        cwd=root,
        timeout=timeout,
        check=False,
    )


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    """`jixiao ARGS` started in a session of its own (as a terminal's foreground job)."""
    return subprocess.Popen(
        [sys.executable, "-m", "jixiao", "--root", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=cli_env(),
        cwd=root,
        start_new_session=True,
    )


def clones(root: Path, count: int) -> list[str]:
    """`count` copies of the sample unit in root/content (with the templates); their ids."""
    copy_samples(root, "templates")
    units = [f"unit{i:03d}" for i in range(1, count + 1)]
    for unit in units:
        shutil.copytree(REPO / "content" / SAMPLE, root / "content" / unit)
    return units


def files(folder: Path) -> set[Path]:
    """The files under `folder` at their final paths (not temporary or staged)."""
    if not folder.exists():
        return set()
    found = folder.rglob("*")
    return {p for p in found if p.is_file() and not any(x.startswith(".~") for x in p.parts)}


def leftovers(folder: Path) -> list[Path]:
    """jixiao's temporary files and staging folders under `folder`."""
    return sorted(folder.rglob(".~*")) if folder.exists() else []


def running(marker: str) -> list[int]:
    """Ids of live processes whose command line contains `marker` (zombies are not live)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in command and state not in "ZX":
            found.append(int(entry.name))
    return found


def wait_for(predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    """Whether `predicate()` came true within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return bool(predicate())


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


@needs_proc
def test_a_full_disk_leaves_neither_document_of_the_unit(tmp_path: Path) -> None:
    """kaifu-zzb has two documents: the disk is full at the second; neither lands, and the
    reports of an earlier run stay as they were."""
    root = copy_samples(tmp_path / "project", "templates", "content/kaifu-zzb")
    out = root / "out"
    first = jixiao(root, "render", "2022", "--out", str(out))
    assert first.returncode == 0, first.stderr
    earlier = {p: p.read_bytes() for p in files(out)}
    assert len(earlier) == 2
    (root / "content" / "kaifu-zzb" / "2022.yaml").open("a", encoding="utf-8").write("\n# 改\n")
    for target in earlier:
        target.unlink()
    run = jixiao(root, "render", "2022", "--out", str(out), env=shim_env(tmp_path, full_after="1"))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "磁盘已满" in run.stderr, run.stderr
    assert "kaifu-zzb：共 1 个错误，未生成该单位的报告。" in run.stderr
    assert files(out) == set(), "no first .docx left behind"
    assert leftovers(out) == []
    # with the earlier reports in place, a failed rerun keeps them as they were
    assert jixiao(root, "render", "2022", "--out", str(out)).returncode == 0
    earlier = {p: p.read_bytes() for p in files(out)}
    run = jixiao(root, "render", "2022", "--out", str(out), env=shim_env(tmp_path, full_after="1"))
    assert run.returncode == 1
    assert {p: p.read_bytes() for p in files(out)} == earlier
    assert leftovers(out) == []


def test_a_failure_while_placing_puts_back_what_was_placed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second file cannot be moved into place: the first is taken back, and the version
    that was there before is restored."""
    import jixiao.output
    from jixiao.batch import write_unit

    out = tmp_path / "unit"
    out.mkdir()
    (out / "a.docx").write_bytes(b"earlier a")
    real, calls = os.replace, []

    def replace(source: os.PathLike[str], target: os.PathLike[str]) -> None:
        calls.append(target)
        if Path(target).name == "b.docx":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(source, target)

    monkeypatch.setattr(jixiao.output.os, "replace", replace)
    with pytest.raises(ContentError) as caught:
        write_unit(out, [Document("a.docx", b"new a"), Document("b.docx", b"new b")], pdf=False)
    assert "磁盘已满" in caught.value.findings[0].message
    assert Path(calls[0]).name == "a.docx", "a was placed before b failed"
    assert (out / "a.docx").read_bytes() == b"earlier a"
    assert not (out / "b.docx").exists()
    assert leftovers(out) == []


@needs_proc
def test_ctrl_c_stops_a_200_unit_batch_within_a_second(tmp_path: Path) -> None:
    root = tmp_path / "project"
    units = clones(root, 200)
    out = root / "out"
    process = start(root, "render", YEAR, "--out", str(out))
    try:
        assert wait_for(lambda: any(p.suffix == ".docx" for p in files(out)), 60)
        stopped = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole job
        stdout, stderr = process.communicate(timeout=10)
        seconds = time.monotonic() - stopped
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, stderr
    assert seconds < 2, f"took {seconds:.1f} s to stop"
    assert "Traceback" not in stderr
    assert "已中断（Ctrl-C）：" in stderr and "没有留下不完整的文件" in stderr
    written = {p.parent.name for p in files(out)}
    assert written and len(written) < len(units)
    assert f"已中断（Ctrl-C）：{len(written)} 个单位已生成" in stderr
    assert f"{len(units) - len(written)} 个单位未生成" in stderr
    assert all(len(list((out / YEAR / u).glob("*.docx"))) == 1 for u in written)
    assert leftovers(out) == [], "nothing half-written"
    assert wait_for(lambda: not running(str(root)), 1), "no worker outlives the command"
    assert "共 " in stdout, "the summary of the units finished"


@needs_proc
def test_sigterm_to_the_command_stops_it_as_ctrl_c_does(tmp_path: Path) -> None:
    """`kill PID` (SIGTERM, to the command alone): the same clean stop, exit 143."""
    root = tmp_path / "project"
    units = clones(root, 200)
    out = root / "out"
    process = start(root, "render", YEAR, "--out", str(out))
    try:
        assert wait_for(lambda: any(p.suffix == ".docx" for p in files(out)), 60)
        os.kill(process.pid, signal.SIGTERM)
        _stdout, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 143, stderr
    assert "Traceback" not in stderr and "已中断（收到终止信号）：" in stderr
    written = {p.parent.name for p in files(out)}
    assert written and len(written) < len(units)
    assert leftovers(out) == [], "nothing half-written"
    assert wait_for(lambda: not running(str(root)), 2), "no worker outlives the command"


@needs_proc
def test_kill_9_leaves_no_workers_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    root = tmp_path / "project"
    clones(root, 40)
    out = root / "out"
    process = start(root, "render", YEAR, "--out", str(out))
    try:
        assert wait_for(lambda: any(p.suffix == ".docx" for p in files(out)), 60)
        process.kill()
        process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert wait_for(lambda: not running(str(root)), 2), "workers die with their parent"
    # what killed runs leave behind: a temporary file and a staging folder of a process gone,
    # one of a process that had this test's id but started at another time, and one of a
    # run still going (this test), which must stay
    gone = subprocess.Popen(["true"])
    gone.wait()
    folder = out / YEAR / "unit001"
    folder.mkdir(parents=True, exist_ok=True)
    dead = [folder / temp_name(".tmp", pid=gone.pid), folder / temp_name(pid=gone.pid)]
    reused = folder / f".~jixiao-{os.getpid()}-1-abcd1234.tmp"
    live = folder / temp_name(".tmp")
    for path in (dead[0], reused, live):
        path.write_bytes(b"half")
    dead[1].mkdir()
    (dead[1] / "a.docx").write_bytes(b"half")
    other = folder / ".~someone-else.tmp"
    other.write_bytes(b"not jixiao's")
    run = jixiao(root, "render", YEAR, "--unit", "unit001", "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert not any(p.exists() for p in (*dead, reused))
    assert live.exists() and other.exists(), "only jixiao's names of processes that are gone"
    live.unlink()
    other.unlink()
    assert leftovers(out) == []


@needs_proc
@pytest.mark.parametrize("stuck", [False, True], ids=["slow", "deaf-to-signals"])
def test_a_unit_past_its_time_limit_is_stopped_and_the_others_written(
    tmp_path: Path, stuck: bool
) -> None:
    if stuck and (os.cpu_count() or 1) < 2:
        pytest.skip("a worker deaf to signals is killed by the pool, which needs 2 cores")
    root = tmp_path / "project"
    clones(root, 3)
    out = root / "out"
    settings = {"slow_unit": "unit002", "sleep": "20", **({"stuck": "1"} if stuck else {})}
    env = shim_env(tmp_path, **settings)
    began = time.monotonic()
    run = jixiao(root, "render", YEAR, "--out", str(out), "--unit-timeout", "3", env=env)
    assert time.monotonic() - began < 12, "not waiting for the slow unit"
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert (
        f"content/unit002/{YEAR}.yaml: 错误: unit002：用时超过 3 秒，已停止，未生成该单位的报告。"
        in run.stderr
    )
    assert "--unit-timeout" in run.stderr
    assert {p.parent.name for p in files(out)} == {"unit001", "unit003"}
    row = next(line for line in run.stdout.splitlines() if line.strip().startswith("unit002"))
    assert row.split()[1] == "未生成"
    assert "共 3 个单位、2 份文档" in run.stdout
    assert leftovers(out) == []
    assert wait_for(lambda: not running(str(root)), 1)


@needs_proc
def test_a_worker_that_dies_is_reported_and_the_others_written(tmp_path: Path) -> None:
    """A worker ending without an answer (killed, crashed) was an internal error: its
    message had a field `code`, the name of say()'s own first parameter."""
    root = tmp_path / "project"
    clones(root, 3)
    out = root / "out"
    run = jixiao(
        root, "render", YEAR, "--out", str(out), env=shim_env(tmp_path, die_unit="unit002")
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "内部错误" not in run.stderr, run.stderr
    said = "unit002：生成该单位的进程意外退出（退出码 9），未生成该单位的报告。"
    assert f"content/unit002/{YEAR}.yaml: 错误: {said}" in run.stderr, run.stderr
    assert {p.parent.name for p in files(out)} == {"unit001", "unit003"}
    assert leftovers(out) == []


def test_the_time_limit_can_be_set_in_the_environment(tmp_path: Path) -> None:
    """JIXIAO_UNIT_TIMEOUT, for one unit rendered in the command's own process."""
    root = tmp_path / "project"
    clones(root, 1)
    env = {**shim_env(tmp_path, slow_unit="unit001"), "JIXIAO_UNIT_TIMEOUT": "0.5"}
    began = time.monotonic()
    run = jixiao(root, "render", YEAR, "--out", str(root / "out"), env=env)
    assert time.monotonic() - began < 6
    assert run.returncode == 1
    assert "unit001：用时超过 0.5 秒，已停止" in run.stderr, run.stderr
    assert files(root / "out") == set()


def test_ctrl_c_while_a_unit_is_placed_counts_it_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C as the files move into place waits until the unit is recorded: the unit is
    whole on disk and the interruption names it finished, never half of it, never lost."""
    import jixiao.output
    from jixiao.batch import Interrupted, Job, run_jobs

    root = copy_samples(tmp_path / "project", "templates", "content/kaifu-zzb")
    out = tmp_path / "out"
    real = os.replace

    def replace(source: os.PathLike[str], target: os.PathLike[str]) -> None:
        if Path(target).suffix == ".docx" and not files(out):
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C after the first of two is placed
        real(source, target)

    monkeypatch.setattr(jixiao.output.os, "replace", replace)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # in this process, where Ctrl-C lands
    idle = threading.Event()  # another thread, to which the kernel may hand the Ctrl-C
    threading.Thread(target=idle.wait, daemon=True).start()
    with pytest.raises(Interrupted) as caught:
        try:
            run_jobs([Job(root, "kaifu-zzb", 2022, out), Job(root, "kaifu-zzb", 2022, out / "b")])
        finally:
            idle.set()
    (finished,) = caught.value.finished
    assert finished.unit == "kaifu-zzb" and finished.documents == 2
    assert caught.value.unfinished == ["kaifu-zzb"]
    assert files(out) == set(finished.written)
    assert leftovers(out) == []
