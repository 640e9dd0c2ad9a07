"""The results cache of `sgdverify verify --cache`: atomic files, exact round trips, and a run killed
with SIGKILL that resumes to the report of an uninterrupted run."""

import json
import signal
import subprocess
import sys
import time

import pytest

from theory.errors import ParameterError
from verify.cache import ResultCache, result_from_record, source_hash
from verify.registry import select
from verify.report import report, result_record, without_timings

CLAIMS = ["ziyin.prop1", "ziyin.cor1", "ziyin.prop9"]  # registry order; ~0.5 s, 0.5 s, 1 s in quick mode


def verify_command(*args):
    return [sys.executable, "-m", "verify", "verify", *CLAIMS, "--quick", *args]


def cache_files(directory):
    return sorted(p for p in directory.glob("*.json")) if directory.exists() else []


def test_sigkill_mid_run_then_resume_gives_the_uninterrupted_report(tmp_path):
    cache, killed_json, full_json = tmp_path / "cache", tmp_path / "resumed.json", tmp_path / "full.json"
    process = subprocess.Popen(verify_command("--cache", str(cache), "--json", str(killed_json)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not cache_files(cache) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    stored = cache_files(cache)
    assert 1 <= len(stored) < len(CLAIMS) and not killed_json.exists()  # killed mid-run
    first = json.loads(stored[0].read_text())["record"]

    resumed = subprocess.run(verify_command("--cache", str(cache), "--json", str(killed_json)), capture_output=True,
                             text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    full = subprocess.run(verify_command("--json", str(full_json)), capture_output=True, text=True, timeout=300)
    assert full.returncode == 0, full.stderr
    resumed_report, full_report = json.loads(killed_json.read_text()), json.loads(full_json.read_text())
    assert without_timings(resumed_report) == without_timings(full_report)
    assert [c["id"] for c in resumed_report["claims"]] == CLAIMS
    assert first in resumed_report["claims"]  # the cached record, timings included, was reused as stored
    assert len(cache_files(cache)) == len(CLAIMS) and not list(cache.glob(".*"))  # no temporary left behind


def test_records_round_trip_and_rebuild_the_same_report(tmp_path):
    claim = select(["ziyin.cor1"])[0]
    result = claim.run(quick=True, seed=3, dps=30)
    record = result_record(result, 30)
    store = ResultCache(tmp_path, seed=3, quick=True, dps=30)
    store.save(claim.id, record)
    loaded = store.load(claim.id)
    assert loaded == record
    assert report([loaded], seed=3, quick=True, dps=30) == report([result], seed=3, quick=True, dps=30)
    rebuilt = result_from_record(claim, loaded)
    assert rebuilt.verdict == result.verdict and [e.title for e in rebuilt.evidence] == [e.title for e in result.evidence]


def test_cache_is_keyed_and_ignores_damaged_files(tmp_path):
    claim_id = "ziyin.cor1"
    record = {"id": claim_id, "checks": []}
    store = ResultCache(tmp_path, seed=0, quick=True, dps=50)
    store.save(claim_id, record)
    for other in (ResultCache(tmp_path, seed=1, quick=True, dps=50), ResultCache(tmp_path, seed=0, quick=False, dps=50),
                  ResultCache(tmp_path, seed=0, quick=True, dps=40)):
        assert other.load(claim_id) is None
    assert store.load("ziyin.prop3") is None
    path = store.path(claim_id)
    path.write_text(path.read_text()[:20])  # a torn file (what a non-atomic writer could leave)
    assert store.load(claim_id) is None
    path.write_text(json.dumps({"key": {**store.key(claim_id), "source": "0" * 64}, "record": record}))
    assert store.load(claim_id) is None  # written by other sources
    assert len(source_hash()) == 64


def test_unwritable_cache_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    completed = subprocess.run([sys.executable, "-m", "verify", "verify", "ziyin.lem1", "--quick", "--cache",
                                str(blocker / "cache")], capture_output=True, text=True, timeout=120)
    lines = completed.stderr.splitlines()
    assert completed.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: cache:")


def test_a_failed_cache_write_names_the_cache_option(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    store = ResultCache(blocker / "cache", seed=0, quick=True, dps=30)
    with pytest.raises(ParameterError) as raised:
        store.save("ziyin.lem1", {"id": "ziyin.lem1"})
    assert raised.value.parameter == "cache" and list(tmp_path.iterdir()) == [blocker]
