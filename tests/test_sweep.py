"""Sweeps: the same numbers in-process, on local processes and on a Dask LocalCluster, whatever the
chunking, and after a worker is killed mid-sweep; `sweep ziyin-phase` writes the grid and figure."""

import json
import os
import signal
from fractions import Fraction

import click
import numpy as np
import pytest
import sympy as sp

from numerics import sweep
from numerics.multiplicative_sim import simulate
from numerics.precision import decimal
from theory import ziyin
from theory.errors import ParameterError
from verify.cli import cli
from verify.sweep import ziyin_phase_command

from cli_helpers import invoke

EPS = Fraction(1, 1000)


def ziyin_grid(runs=2000, steps=100, route="auto"):
    return [(a, lr, runs, steps, EPS, route) for a in (Fraction(-1), Fraction(1, 2), Fraction(8))
            for lr in (Fraction(1, 5), Fraction(3, 5), Fraction(1), Fraction(6, 5))]


def test_task_seeds_are_the_spawned_children():
    root = np.random.SeedSequence(7)
    children = np.random.SeedSequence(7).spawn(5)
    assert [sweep.task_seed(root, i).generate_state(4).tolist() for i in range(5)] == \
           [c.generate_state(4).tolist() for c in children]
    assert root.n_children_spawned == 0


def test_local_processes_and_dask_local_cluster_give_identical_arrays():
    grid, seed = ziyin_grid(), np.random.SeedSequence(11)
    inline = sweep.run_sweep(sweep.ziyin_escapes, grid, seed, sweep.Backend("inline"))
    processes = sweep.run_sweep(sweep.ziyin_escapes, grid, seed, sweep.Backend("local", workers=2), chunk=3)
    cluster = sweep.run_sweep(sweep.ziyin_escapes, grid, seed, sweep.Backend("dask", workers=2), chunk=2)
    assert np.array_equal(np.array(inline), np.array(processes))
    assert np.array_equal(np.array(inline), np.array(cluster))
    escaped = np.array(inline)[:, 0]
    assert len(set(escaped.tolist())) > 3 and escaped.min() == 0 and escaped.max() == 2000


def test_chunking_does_not_change_results():
    grid, seed = ziyin_grid(runs=500, steps=50), np.random.SeedSequence(3)
    reference = np.array(sweep.run_sweep(sweep.ziyin_escapes, grid, seed, sweep.Backend("inline")))
    for chunk in (2, 5, len(grid)):
        assert np.array_equal(reference, np.array(sweep.run_sweep(sweep.ziyin_escapes, grid, seed, sweep.Backend("inline"),
                                                                  chunk=chunk)))


@pytest.mark.parametrize("route", ["bits", "count", "float"])
def test_simulation_does_not_depend_on_chunk_steps(route):
    law = ziyin.noise(sp.Integer(-1))
    runs = [simulate(law, 0.7, 5000, 300, np.random.SeedSequence(5), record=(10, 77, 300), route=route,
                     chunk_steps=chunk).values for chunk in (1, 16, 64, 1000)]
    assert all(np.array_equal(runs[0], other) for other in runs[1:])


def test_a_worker_killed_mid_sweep_loses_and_duplicates_nothing():
    from distributed import Client, LocalCluster

    grid = [(Fraction(-1), Fraction(k, 10), 4096, 4000, EPS, "float") for k in range(1, 13)]
    seed = np.random.SeedSequence(2)
    reference = sweep.run_sweep(sweep.ziyin_escapes, grid, seed, sweep.Backend("inline"))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        killed = []

        def kill_a_busy_worker(done, total):
            if killed:
                return
            busy = [address for address, keys in client.processing().items() if keys]
            pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

        seen = []
        result = sweep.run_sweep(sweep.ziyin_escapes, grid, seed, sweep.Backend("dask", client=client),
                                 progress=lambda done, total: (seen.append(done), kill_a_busy_worker(done, total)))
        alive = set(client.run(os.getpid).values())
    assert killed and killed[0] not in alive
    assert seen == list(range(1, len(grid) + 1))  # each task's result arrived exactly once
    assert np.array_equal(np.array(reference), np.array(result))


def test_backend_refuses_bad_settings():
    for kwargs, parameter in (({"kind": "threads"}, "backend"), ({"workers": 0}, "workers"),
                              ({"kind": "dask", "scheduler": " "}, "scheduler")):
        with pytest.raises(ParameterError) as error:
            sweep.Backend(**kwargs)
        assert error.value.parameter == parameter
    with pytest.raises(ParameterError):
        sweep.run_sweep(sweep.ziyin_escapes, ziyin_grid(), np.random.SeedSequence(0), sweep.Backend("inline"), chunk=0)




def test_sweep_commands_load_with_their_group():
    context = click.Context(cli)
    assert cli.get_command(context, "sweep").get_command(context, "ziyin-phase") is ziyin_phase_command


def test_ziyin_phase_writes_grid_boundary_and_figure(tmp_path):
    base = ["sweep", "ziyin-phase", "--a-grid", "-1:8:3", "--lr-grid", "0.2:1.2:6", "--runs", "400", "--steps", "60",
            "--seed", "4", "--dps", "20", "--backend", "local", "--workers", "1"]
    code, out, err = invoke([*base, "--out", str(tmp_path / "one")])
    assert code == 0, err
    payload = json.loads((tmp_path / "one.json").read_text())
    assert (tmp_path / "one.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert payload["a"] == [decimal(sp.Rational(v), 20) for v in ("-1", "7/2", "8")]
    cor1 = json.loads(invoke(["derive", "ziyin.cor1", "--a", "-1", "--dps", "20", "--json"])[1])["values"]
    assert payload["boundary"][0]["intervals"] == [[cor1["lower"], cor1["upper"]]]
    trap8 = json.loads(invoke(["derive", "trap-set", "--values", "1,7", "--probs", "1/2,1/2", "--dps", "20", "--json"])[1])
    assert payload["boundary"][-1]["intervals"] == trap8["values"]["intervals"]
    escaped = np.array(payload["escaped"], dtype=int)
    assert escaped.shape == (3, 6) and escaped.min() >= 0 and escaped.max() <= 400
    for row_k, row_i in zip(payload["escaped"], payload["interval"]):
        for k, (low, high) in zip(row_k, row_i):
            assert float(low) <= int(k) / 400 <= float(high)
    assert "nan" not in json.dumps(payload).lower()
    # the same seed gives the same JSON on a rerun, with other chunking and on two processes
    for extra in (["--chunk", "1"], ["--chunk", "5", "--workers", "2"]):
        code, _, err = invoke([*base, *extra, "--out", str(tmp_path / "two")])
        assert code == 0, err
        again = json.loads((tmp_path / "two.json").read_text())
        assert {k: v for k, v in again.items() if k != "figure"} == {k: v for k, v in payload.items() if k != "figure"}


@pytest.mark.parametrize(
    "options, parameter",
    [
        (["--a-grid", "-1:3:5"], "a-grid"),  # contains a = 2
        (["--a-grid", "1:-1:3"], "a-grid"),
        (["--a-grid", "-1:sqrt(2):3"], "a-grid"),
        (["--a-grid", "-1:1:0"], "a-grid"),
        (["--a-grid", "-1:1"], "a-grid"),
        (["--lr-grid", "0:1:3"], "lr-grid"),
        (["--lr-grid", "1:1e400:3"], "lr-grid"),
        (["--a-grid", "-1e101:1:3"], "a-grid"),
        (["--lr-grid", "nan:1:3"], "lr-grid"),
        (["--runs", "0"], "runs"),
        (["--eps", "-1"], "eps"),
        (["--chunk", "0"], "chunk"),
        (["--backend", "dask", "--scheduler", "tcp://127.0.0.1:9"], "scheduler"),
    ],
)
def test_ziyin_phase_bad_input_is_one_line(monkeypatch, tmp_path, options, parameter):
    monkeypatch.setattr(sweep, "CONNECT_TIMEOUT", 2)
    defaults = {"--a-grid": "-1:1:3", "--lr-grid": "0.2:1:3", "--runs": "10", "--steps": "5"}
    given = dict(zip(options[::2], options[1::2]))
    argv = ["sweep", "ziyin-phase", *[x for k, v in {**defaults, **given}.items() for x in (k, v)],
            "--out", str(tmp_path / "bad")]
    code, out, err = invoke(argv)
    assert code == 2 and err.startswith(f"error: {parameter}:") and len(err.splitlines()) == 1, err
