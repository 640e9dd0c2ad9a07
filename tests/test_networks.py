"""numerics.networks: HVP/Lanczos curvature against dense Hessians, seeding, training, data.

Tolerances are stated from what each method guarantees: a Lanczos Ritz value λ with residual
r = ‖Hv − λv‖ lies within r of an eigenvalue of H (Bauer–Fike), and numpy's ``eigvalsh`` is
backward stable, so the dense top eigenvalue is within ~ d·ε·‖H‖ of the exact one; the two must
then agree to r + DENSE_SLACK·d·ε·‖H‖. The network is 64-3-10 tanh (d = 235) on 60 digits.
"""

import numpy as np
import pytest
from scipy.sparse.linalg import aslinearoperator

from numerics import networks as nw
from numerics.networks.curvature import top_eigen
from numerics.networks.training import _batch_indices
from theory.errors import ParameterError

EPS = np.finfo(np.float64).eps
DENSE_SLACK = 10  # the constant in the d·ε·‖A‖ backward-error bound of a dense symmetric solver


def agreement(lanczos_error: float, dense: np.ndarray) -> float:
    """The stated tolerance between a Lanczos value and the dense top eigenvalue of ``dense``."""
    return lanczos_error + DENSE_SLACK * dense.shape[0] * EPS * np.linalg.norm(dense, 2)


@pytest.fixture(scope="module")
def small():
    """A 64-3-10 net (d = 235) after 300 GD steps on 60 digits: not at a special point."""
    data = nw.digits(60, seed=3)
    model = nw.mlp(3)
    loss = nw.per_sample_loss(model)
    run = nw.train(loss, model.init(5), data.arrays, 0.5, 300, patience=None)
    hessians = nw.dense_sample_hessians(loss, run.params, data.arrays)
    return loss, run.params, data.arrays, hessians


def test_network_size_is_what_the_widths_say(small):
    _, _, _, hessians = small
    assert nw.mlp(3).size == 64 * 3 + 3 + 3 * 10 + 10 == hessians.shape[1] == 235


def test_hessian_operator_is_the_dense_hessian(small):
    loss, params, data, hessians = small
    dense = nw.dense_hessian(loss, params, data)
    assert np.allclose(hessians.mean(axis=0), dense, rtol=0, atol=1e-13)
    v = np.random.default_rng(0).standard_normal(dense.shape[0])
    assert np.linalg.norm(nw.hessian_operator(loss, params, data).matvec(v) - dense @ v) <= 1e-12 * np.linalg.norm(v)


def test_sharpness_agrees_with_dense_eigvalsh(small):
    loss, params, data, hessians = small
    dense = hessians.mean(axis=0)
    measured = nw.sharpness(loss, params, data)
    assert measured.residual < 1e-10
    assert abs(measured.value - np.linalg.eigvalsh(dense)[-1]) <= agreement(measured.error, dense)


def test_nonuniformity_agrees_with_dense_per_sample_hessians(small):
    loss, params, data, hessians = small
    mean = hessians.mean(axis=0)
    sigma = np.einsum("nij,njk->ik", hessians, hessians) / len(hessians) - mean @ mean
    v = np.random.default_rng(1).standard_normal(sigma.shape[0])
    assert np.linalg.norm(nw.sigma_operator(loss, params, data).matvec(v) - sigma @ v) <= 1e-12 * np.linalg.norm(v)
    measured = nw.nonuniformity(loss, params, data)
    top = np.linalg.eigvalsh(sigma)[-1]
    assert abs(measured.eigenvalue - top) <= agreement(measured.residual, sigma)
    assert abs(measured.value - np.sqrt(top)) <= measured.error + agreement(0, sigma) / np.sqrt(top)


def test_preconditioned_sharpness_agrees_with_dense_eigenvalues(small):
    loss, params, data, hessians = small
    dense = hessians.mean(axis=0)
    diagonal = np.abs(np.diag(dense)) + 0.1
    measured = nw.preconditioned_sharpness(loss, params, data, diagonal)
    top = np.max(np.linalg.eigvals(dense / diagonal[:, None]).real)
    symmetric = dense / np.sqrt(np.outer(diagonal, diagonal))
    assert abs(measured.value - top) <= agreement(measured.residual, symmetric)
    u = measured.vector  # an eigenvector of D⁻¹H itself
    assert np.linalg.norm(dense @ u / diagonal - measured.value * u) <= 1e-8 * measured.value
    with pytest.raises(ParameterError):
        nw.preconditioned_sharpness(loss, params, data, -diagonal)


def test_lanczos_finds_the_top_of_a_known_spectrum():
    rng = np.random.default_rng(2)
    q, _ = np.linalg.qr(rng.standard_normal((300, 300)))
    spectrum = np.concatenate([[-5.0], np.linspace(-1, 2, 298), [3.0]])
    matrix = (q * spectrum) @ q.T
    value, _, residual, products = top_eigen(aslinearoperator(matrix), seed=0)
    assert abs(value - np.linalg.eigvalsh(matrix)[-1]) <= agreement(residual, matrix)
    assert abs(value - 3.0) < 1e-10 and products < 300


def test_a_generic_loss_on_a_pytree():
    """ℓ(w, x, y) = ½(x·w − y)²: H = XᵀX/n, Hᵢ = xᵢxᵢᵀ, whatever the parameters' container."""
    import jax.numpy as jnp

    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((40, 6)), rng.standard_normal(40)

    def loss(params, xi, yi):
        return 0.5 * (jnp.dot(xi[:3], params["a"]) + jnp.dot(xi[3:], params["b"]) - yi) ** 2

    params = {"a": jnp.zeros(3), "b": jnp.ones(3)}
    h = x.T @ x / len(x)
    sigma = np.einsum("ni,n,nj->ij", x, np.sum(x * x, axis=1), x) / len(x) - h @ h  # (1/n)Σ‖xᵢ‖²xᵢxᵢᵀ − H²
    both = nw.sharpness_and_nonuniformity(loss, params, (x, y))
    assert abs(both["sharpness"].value - np.linalg.eigvalsh(h)[-1]) < 1e-12
    assert abs(both["nonuniformity"].value - np.sqrt(np.linalg.eigvalsh(sigma)[-1])) < 1e-12


def test_equal_seed_sequences_give_identical_parameters_and_runs():
    model = nw.mlp(4, depth=2)
    first, second = model.init(np.random.SeedSequence(7)), model.init(np.random.SeedSequence(7))
    assert all(np.array_equal(a, b) for pa, pb in zip(first, second) for a, b in zip(pa, pb))
    other = model.init(np.random.SeedSequence(8))
    assert not np.array_equal(first[0][0], other[0][0])
    bound = 1 / np.sqrt(64)
    assert np.all(np.abs(np.asarray(first[0][0])) <= bound)
    data = nw.digits(50, seed=0).arrays
    loss = nw.per_sample_loss(model)
    runs = [nw.train(loss, first, data, 0.3, 120, batch=8, seed=np.random.SeedSequence(9), every=50) for _ in range(2)]
    assert np.array_equal(runs[0].losses, runs[1].losses)
    assert all(np.array_equal(a, b) for pa, pb in zip(runs[0].params, runs[1].params) for a, b in zip(pa, pb))


def test_gd_ends_at_the_edge_of_stability():
    """Wu et al. Table 2 in miniature: GD at η ends with sharpness ≤ 2/η (and, here, close to it)."""
    data = nw.digits(100, seed=1).arrays
    model = nw.mlp(3)
    loss = nw.per_sample_loss(model)
    lr = 0.5
    run = nw.train(loss, model.init(0), data, lr, 3000, patience=None)
    measured = nw.sharpness(loss, run.params, data)
    assert run.stopped == "steps" and run.loss < run.losses[0] / 4
    assert measured.value <= 2 / lr + measured.error
    assert measured.value >= 0.9 * 2 / lr


def test_sgd_batches_and_stopping_rules():
    import jax

    k = jax.random.key(0)
    assert len(set(np.asarray(_batch_indices(k, 20, 20, replace=False)).tolist())) == 20
    with_replacement = np.asarray(_batch_indices(k, 20, 20, replace=True))
    assert len(set(with_replacement.tolist())) < 20 and with_replacement.max() < 20
    data = nw.digits(80, seed=2).arrays
    model = nw.mlp(8)
    loss = nw.per_sample_loss(model, "cross_entropy")
    start = model.init(1)
    for replace in (False, True):
        run = nw.train(loss, start, data, 0.5, 200, batch=10, replace=replace, seed=3, every=50)
        assert run.loss < run.losses[0] and list(run.checkpoints) == [0, 50, 100, 150, 200]
    assert nw.train(loss, start, data, 0.5, 5000, target=1.0, every=50).stopped == "target"
    assert nw.train(nw.per_sample_loss(model), start, data, 500.0, 200, every=20).stopped == "diverged"
    seen = []
    nw.train(loss, start, data, 0.1, 60, every=25, progress=lambda step, value: seen.append(step))
    assert seen == [25, 50, 60]
    with pytest.raises(ParameterError):
        nw.train(loss, start, data, 0.1, 10, batch=0)


def test_digits_subset_and_corrupted_labels():
    data = nw.digits(500, seed=11)
    assert data.x.shape == (500, 64) and data.x.min() == 0 and data.x.max() == 1
    assert np.array_equal(data.y.argmax(axis=1), data.labels) and not data.corrupted.any()
    assert np.array_equal(nw.digits(500, seed=11).x, data.x) and not np.array_equal(nw.digits(500, seed=12).x, data.x)
    for fraction in (0.0, 0.2, 0.5, 1.0):
        corrupted = nw.corrupt_labels(data, fraction, seed=4)
        wrong = corrupted.labels != data.labels
        assert wrong.sum() == round(fraction * 500) and np.array_equal(wrong, corrupted.corrupted)
        assert np.array_equal(corrupted.y.argmax(axis=1), corrupted.labels) and np.array_equal(corrupted.x, data.x)
    again = nw.corrupt_labels(data, 0.2, seed=4)
    assert np.array_equal(again.labels, nw.corrupt_labels(data, 0.2, seed=4).labels)
    new = again.labels[again.corrupted]
    assert len(np.unique(new)) == 10  # the replacement labels spread over the classes
    with pytest.raises(ParameterError):
        nw.digits(5000)
    with pytest.raises(ParameterError):
        nw.corrupt_labels(data, 1.5)



def test_recorded_trajectory_and_one_compilation_per_block_shape():
    from numerics.networks.training import _compiled

    data = nw.digits(40, seed=3).arrays
    model = nw.mlp(4)
    loss = nw.per_sample_loss(model)
    run = nw.train(loss, model.init(2), data, 0.2, 90, every=30, record=True, patience=None)
    assert run.trajectory.shape == (4, model.size)
    flat_end = np.concatenate([np.ravel(a) for layer in run.params for a in layer])
    assert np.array_equal(run.trajectory[-1], flat_end)
    before = _compiled.cache_info().misses
    again = nw.train(loss, model.init(3), data, 0.35, 90, every=30, patience=None)
    assert _compiled.cache_info().misses == before  # a new start and a new η reuse the compiled blocks
    assert again.trajectory is None and not np.array_equal(again.losses, run.losses)


def test_settle_goes_on_past_the_target_until_the_loss_falls_steadily():
    data = nw.digits(60, seed=4).arrays
    model = nw.mlp(6)
    loss = nw.per_sample_loss(model)
    start = model.init(4)
    plain = nw.train(loss, start, data, 0.2, 20_000, target=0.05, every=50)
    settled = nw.train(loss, start, data, 0.2, 20_000, target=0.05, every=50, settle=3)
    assert plain.stopped == "target" and plain.target_step == plain.steps
    assert settled.stopped == "settled" and settled.target_step == plain.steps
    assert settled.steps == plain.steps + 150 and np.all(np.diff(settled.losses[-4:]) < 0)
    with pytest.raises(ParameterError, match="settle"):
        nw.train(loss, start, data, 0.2, 10, settle=2)


def test_minimum_task_is_reproducible_on_every_backend_and_reports_divergence():
    from numerics.networks import experiments as ex
    from numerics.sweep import Backend, run_sweep

    setup = ex.Setup(samples=40, width=4)
    grid = [(setup, 0.3, None, False, 400, 1e-6, 0, 100), (setup, 0.3, 8, True, 400, 1e-6, 0, 100),
            (setup, 500.0, None, False, 400, 1e-6, 0, 100)]
    root = np.random.SeedSequence(5)
    inline = run_sweep(ex.minimum, grid, root, Backend("inline"))
    local = run_sweep(ex.minimum, grid, root, Backend("local", workers=2))
    assert all(np.array_equal(a, b) for a, b in zip(inline, local))
    rows = ex.as_rows(grid, inline)
    assert [r["stopped"] for r in rows] == ["steps", "steps", "diverged"]
    assert rows[2]["sharpness"] is None and all(np.isfinite(list(inline[2])))
    first = run_sweep(ex.minimum, grid[:1], root, Backend("inline"))[0]
    assert np.array_equal(first, inline[0])  # a task's result depends on its index and point only
    start = setup.model().init(ex.init_seed(np.random.SeedSequence(5, spawn_key=(0,))))
    initial = float(np.mean([setup.per_sample_loss()(start, x, y) for x, y in zip(*setup.dataset().arrays)]))
    assert 0 < rows[0]["loss"] < initial and rows[0]["sharpness"] > 0 and rows[0]["nonuniformity"] > 0


def test_curvature_products_compile_once_per_loss_and_layout():
    from numerics.networks.curvature import _compiled

    data = nw.digits(30, seed=6).arrays
    model = nw.mlp(4)
    loss = nw.per_sample_loss(model)
    first = nw.sharpness(loss, model.init(1), data)
    before = _compiled.cache_info().misses
    second = nw.sharpness(loss, model.init(2), data)
    nw.nonuniformity(loss, model.init(3), data)
    nw.nonuniformity(loss, model.init(4), data)
    assert _compiled.cache_info().misses == before + 1  # the Σ product once; H's product reused
    assert first.value != second.value
