"""Bad files and bad output paths against every command that reads or writes one: one line
`error: <option>: …` on stderr, exit status 2, and nothing left on disk (issue 14).

The corpus of bad files is made here, in tmp_path, from good files (no committed binaries).
"""

import os
import zipfile

import numpy as np
import pytest


from cli_helpers import invoke

HESSIANS = np.array([[[1.0, 0.0], [0.0, 0.5]], [[0.5, 0.1], [0.1, 1.0]]])




def assert_one_line(argv, option):
    code, out, err = invoke(argv)
    lines = err.strip().splitlines()
    assert code == 2 and out == "", (argv, code, err)
    assert len(lines) == 1 and lines[0].startswith(f"error: {option}:"), (argv, err)
    assert "Traceback" not in err


def _corrupt_first_entry(path):
    """Flip one byte in the middle of the first zip entry's (stored or deflated) data."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        first = archive.infolist()[0]
    start = first.header_offset
    names, extra = int.from_bytes(data[start + 26:start + 28], "little"), int.from_bytes(data[start + 28:start + 30], "little")
    data[start + 30 + names + extra + first.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def bad_files(folder, good: dict[str, np.ndarray]):
    """name -> path of files that are broken as files (whatever their content was meant to be)."""
    folder.mkdir()
    paths = {}

    def put(name, data: bytes):
        paths[name] = folder / name
        paths[name].write_bytes(data)

    put("empty.npz", b"")
    put("zip_header.npz", b"PK\x03\x04" + b"\x00" * 60)
    put("text.npy", b"not a numpy file\n")
    np.savez(folder / "full.npz", **good)
    full = (folder / "full.npz").read_bytes()
    put("truncated.npz", full[: len(full) // 2])
    put("crc.npz", full)
    _corrupt_first_entry(paths["crc.npz"])
    np.savez_compressed(folder / "compressed.npz", **{k: np.resize(v, (64,) + v.shape[1:]) for k, v in good.items()})
    paths["compressed.npz"] = folder / "compressed.npz"
    _corrupt_first_entry(paths["compressed.npz"])
    np.save(folder / "header.npy", np.eye(2))
    raw = (folder / "header.npy").read_bytes()
    put("header.npy", raw.replace(b"'descr'", b"('descr'", 1))
    np.save(folder / "short.npy", np.zeros((50, 2, 2)))
    put("short.npy", (folder / "short.npy").read_bytes()[:200])
    np.savez(folder / "objects.npz", **{k: np.array([object()] * 2, dtype=object) for k in good}, allow_pickle=True)
    paths["objects.npz"] = folder / "objects.npz"
    with zipfile.ZipFile(folder / "not_npy_entry.npz", "w") as archive:
        for key in good:
            archive.writestr(key, b"just bytes")
    paths["not_npy_entry.npz"] = folder / "not_npy_entry.npz"
    paths["missing.npy"] = folder / "absent.npy"
    (folder / "a_directory.npy").mkdir()
    paths["a_directory.npy"] = folder / "a_directory.npy"
    return paths


def bad_contents(folder):
    """Hessian files that read but hold the wrong numbers."""
    folder.mkdir()
    cases = {
        "strings": np.array([["a"]]),
        "shape": np.ones((2, 2)),
        "nan": np.array([[[np.nan]]]),
        "empty": np.zeros((0, 2, 2)),
    }
    paths = {}
    for name, array in cases.items():
        paths[name] = folder / f"{name}.npy"
        np.save(paths[name], array)
    return paths


READERS = {
    "wu": (lambda path: ["derive", "wu.thm1", "--hessians", path, "--lr", "1/2", "--batch", "1"], "hessians"),
    "linear": (lambda path: ["simulate", "linear", "--hessians", path, "--lr", "0.5", "--batch", "1", "--runs", "2",
                             "--steps", "2"], "hessians"),
    "patel38": (lambda path: ["derive", "patel.thm3_8", "--q-samples", path, "--k", "1"], "q-samples"),
    "patel312": (lambda path: ["derive", "patel.thm3_12", "--q-samples", path, "--k", "1"], "q-samples"),
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_broken_file_is_one_line_naming_the_option(tmp_path, reader):
    good = ({"hessians": HESSIANS} if reader in ("wu", "linear")
            else {"Q": np.eye(2)[None].repeat(2, 0), "r": np.zeros((2, 2)), "probs": np.array([0.5, 0.5])})
    command, option = READERS[reader]
    before = None
    for name, path in bad_files(tmp_path / "bad", good).items():
        before = sorted(os.listdir(tmp_path / "bad"))
        assert_one_line(command(str(path)), option)
        assert sorted(os.listdir(tmp_path / "bad")) == before, name


@pytest.mark.parametrize("reader", ["wu", "linear"])
def test_hessians_with_wrong_numbers(tmp_path, reader):
    command, option = READERS[reader]
    for path in bad_contents(tmp_path / "contents").values():
        assert_one_line(command(str(path)), option)


@pytest.mark.parametrize("reader", ["wu", "linear"])
def test_hessians_with_huge_entries_get_an_answer(tmp_path, reader):
    """Entries near the float limit: LAPACK's eigvalsh did not converge on them unscaled."""
    path = tmp_path / "huge.npy"
    np.save(path, np.full((1, 3, 3), 1e308) * np.array([[1, -1, 1], [-1, 1, -1], [1, -1, 1]]))
    code, out, err = invoke(READERS[reader][0](str(path)))
    assert code == 0 and err == "", err


def test_q_samples_with_zero_probabilities_or_empty_matrices(tmp_path):
    zero = tmp_path / "zero.npz"
    np.savez(zero, Q=np.eye(2)[None].repeat(2, 0), r=np.zeros((2, 2)), probs=np.zeros(2))
    empty = tmp_path / "empty.npz"
    np.savez(empty, Q=np.zeros((1, 0, 0)), r=np.zeros((1, 0)), probs=np.ones(1))
    assert_one_line(["derive", "patel.thm3_8", "--q-samples", str(zero), "--k", "1"], "probs")
    assert_one_line(["derive", "patel.thm3_8", "--q-samples", str(empty), "--k", "1"], "Q")


def _bad_outputs(tmp_path):
    (tmp_path / "file").write_text("x")
    (tmp_path / "dir.json").mkdir()
    return {
        "under_a_file": str(tmp_path / "file" / "x.json"),
        "under_a_file_deeper": str(tmp_path / "file" / "sub" / "x.json"),
        "proc": "/proc/sgdverify-test/x.json",
        "sys": "/sys/sgdverify-test.json",
        "a_directory": str(tmp_path / "dir.json"),
        "too_long": str(tmp_path / ("n" * 300 + ".json")),
    }


def _listing(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs + [""])


def test_verify_refuses_a_bad_report_path_before_running_claims(tmp_path, monkeypatch):
    import verify.registry

    def no_claims(*args):
        raise AssertionError("claims selected before the output path was checked")

    monkeypatch.setattr(verify.registry, "select", no_claims)
    for path in _bad_outputs(tmp_path).values():
        before = _listing(tmp_path)
        assert_one_line(["verify", "ziyin.cor1", "--quick", "--json", path], "json")
        assert _listing(tmp_path) == before


def test_sweep_refuses_bad_out_paths_and_leaves_nothing(tmp_path, monkeypatch):
    import verify.sweep

    def no_work(*args, **kwargs):
        raise AssertionError("sweep ran before the output path was checked")

    monkeypatch.setattr(verify.sweep, "ziyin_phase", no_work)
    base = ["sweep", "ziyin-phase", "--a-grid", "-1:1:3", "--lr-grid", "0.2:1:3", "--runs", "10", "--steps", "5"]
    outputs = _bad_outputs(tmp_path)
    (tmp_path / "taken.png").mkdir()
    outputs["png_is_a_directory"] = str(tmp_path / "taken")
    for path in outputs.values():
        before = _listing(tmp_path)
        assert_one_line([*base, "--out", path], "out")
        assert _listing(tmp_path) == before


def test_failed_sweep_creates_no_directories(tmp_path):
    base = ["sweep", "ziyin-phase", "--a-grid", "-1:1:3", "--lr-grid", "0.2:1:3", "--steps", "5"]
    assert_one_line([*base, "--runs", "0", "--out", str(tmp_path / "fresh" / "dir" / "phase")], "runs")
    assert_one_line([*base, "--runs", "10", "--eps", "-1", "--out", str(tmp_path / "fresh" / "dir" / "phase")], "eps")
    assert os.listdir(tmp_path) == []


def test_writer_leaves_nothing_when_a_later_output_fails(tmp_path):
    from theory.errors import ParameterError
    from verify.report import json_writer, write_outputs

    def failing(temporary):
        raise OSError(28, "No space left on device")

    with pytest.raises(ParameterError, match="^out: "):
        write_outputs([(tmp_path / "new" / "a.json", "out", json_writer({"a": 1})),
                       (tmp_path / "new" / "a.png", "out", failing)])
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "argv, option",
    [
        (["simulate", "ziyin", "--a", "-1", "--lr", "0.5", "--runs", "10", "--steps", "1" + "0" * 31], "steps"),
        (["simulate", "linear", "--curvatures", "1", "--lr", "0.5", "--batch", "1", "--runs", "2", "--steps", "1e31"],
         "steps"),
        (["simulate", "ziyin", "--a", "-1", "--lr", "0.5", "--runs", "\u0663", "--steps", "3"], "runs"),
        (["simulate", "ziyin", "--a", "-1", "--lr", "0.5", "--runs", "1_000", "--steps", "3"], "runs"),
        (["simulate", "ziyin", "--a", "-1", "--lr", "0x10", "--runs", "10", "--steps", "3"], "lr"),
        (["simulate", "ziyin", "--a", "-1", "--lr", "1_0", "--runs", "10", "--steps", "3"], "lr"),
        (["simulate", "ziyin", "--a", "-1", "--lr", "0.5", "--runs", "10", "--steps", "3", "--seed", "\u0663"], "seed"),
        (["simulate", "linear", "--curvatures", "1", "--lr", "0.5", "--batch", "\u0663", "--runs", "2", "--steps", "3"],
         "batch"),
        (["derive", "escape-prob", "--values", "1,-2", "--probs", "1/2,1/2", "--lr", "0.5", "--t", "\u0663",
          "--eps", "1"], "t"),
        (["derive", "ziyin.cor1", "--a", "-1", "--dps", "x"], "dps"),
        (["derive", "ziyin.cor1", "--a", "-1", "--dps", "100000"], "dps"),
        (["derive", "trap-set", "--gaussian", "0,0"], "gaussian"),
        (["simulate", "linear", "--curvatures", "1e400", "--lr", "1", "--batch", "1", "--runs", "2", "--steps", "3"],
         "curvatures"),
        (["simulate", "ziyin", "--a", "-1", "--lr", "0.5", "--runs", "10", "--steps", "3", "--route", "nope"], "route"),
        (["sweep", "ziyin-phase", "--a-grid", "0:1:1", "--lr-grid", "0.2:1:3", "--runs", "10", "--steps", "5"],
         "a-grid"),
        (["sweep", "ziyin-phase", "--a-grid", "-1:1:3", "--lr-grid", "0.2:1:3", "--runs", "10", "--steps", "5",
          "--scheduler", ""], "scheduler"),
        (["simulate", "linear", "--curvatures", "1", "--lr", "1e400", "--batch", "1", "--runs", "2", "--steps", "3"],
         "lr"),
    ],
)
def test_sizes_and_grammar_are_one_line(tmp_path, monkeypatch, argv, option):
    monkeypatch.chdir(tmp_path)
    assert_one_line(argv, option)
    assert os.listdir(tmp_path) == []


def test_linear_growth_stays_finite_over_long_horizons():
    """(3, 0, 0, 0), η = 0.1, B = 1: A = 0.7 w.p. 1/4, else 1. One run estimates the almost-sure
    exponent 2 E ln|A| = ln(0.7)/2 (the state would underflow after ~2000 steps without renormalising)."""
    from numerics import linear

    growth = linear.growth_ensemble(np.array([[[3.0]], [[0.0]], [[0.0]], [[0.0]]]), 0.1, 1, False, 1, 20000,
                                    np.random.SeedSequence(1), [1.0])
    assert growth.live == 1 and growth.diverged == 0
    assert abs(growth.growth_rate(20000) - np.log(0.7) / 2) < 0.012  # 5 sd of the mean of ln A²


def test_exact_growth_rate_in_logs_and_no_warning_for_a_zero_factor(recwarn):
    from numerics import linear

    hessians = np.array([[[1.0]], [[3.0]]])
    assert linear.log_spectral_radius(hessians, 1e155, 1) == pytest.approx(2 * np.log(1e155) + np.log(5), rel=1e-12)
    code, out, err = invoke(["simulate", "linear", "--curvatures", "10,0", "--lr", "0.1", "--batch", "1", "--runs", "3",
                             "--steps", "50", "--json"])
    assert code == 0 and '"growth_rate": "-inf"' in out and err == ""
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_linear_progress_counts_run_steps():
    from verify import simulation

    seen = []
    simulation.linear_ensemble("1,2", None, "0.1", 1, False, 5000, 40, 0, lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (5000 * 40, 5000 * 40)
