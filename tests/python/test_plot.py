"""incdtw.plot: the artists drawn match the data (Agg backend), ax/fig are honoured, bad input raises."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

import incdtw  # noqa: E402
from incdtw import plot as P  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def aligned():
    Q, C = incdtw.datasets.sine_pair(n=60, shorten=12)
    return Q, C, incdtw.dtw(Q, C, return_wp=True, return_QC=True)


def by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def line(ax, gid):
    found = [a for a in ax.lines if a.get_gid() == gid]
    assert len(found) == 1, gid
    return found[0]


def connectors(ax):
    found = [c for c in ax.collections if isinstance(c, LineCollection) and c.get_gid() == "alignment"]
    assert len(found) == 1
    return found[0].get_segments()


def check_connectors(ax, Q, C, ii, jj, offset, q0=0, c0=0):
    segs = connectors(ax)
    assert len(segs) == len(ii)
    for seg, i, j in zip(segs, ii, jj):
        np.testing.assert_allclose(seg, [[i + q0, Q[i + q0]], [j + c0, C[j + c0] - offset]])


# -- plotQC / plot_idtw ---------------------------------------------------------------------------------
def test_plotqc_artists_match_path(aligned):
    Q, C, r = aligned
    ax = P.plotQC(r, offset=3.0)
    check_connectors(ax, Q, C, r.ii, r.jj, 3.0)
    np.testing.assert_array_equal(line(ax, "Q").get_xydata(), np.column_stack([np.arange(len(Q)), Q]))
    np.testing.assert_allclose(line(ax, "C").get_xydata(), np.column_stack([np.arange(len(C)), C - 3.0]))


def test_plotqc_default_offset_puts_c_below_q(aligned):
    Q, C, r = aligned
    ax = P.plotQC(r)
    cy = line(ax, "C").get_ydata()
    offset = C[0] - cy[0]
    np.testing.assert_allclose(C - cy, offset)  # a constant shift
    assert cy.max() < Q.min()
    check_connectors(ax, Q, C, r.ii, r.jj, offset)


def test_plotqc_draws_into_given_ax_and_series_override(aligned):
    Q, C, _ = aligned
    r = incdtw.dtw(Q, C, return_wp=True)  # no Q, C stored
    fig, ax = plt.subplots()
    out = P.plotQC(r, Q=Q, C=C, ax=ax, offset=0.0)
    assert out is ax and ax.figure is fig
    check_connectors(ax, Q, C, r.ii, r.jj, 0.0)


def test_plot_idtw_is_plotqc():
    assert P.plot_idtw is P.plotQC


def test_plotqc_multivariate_dim():
    rng = np.random.default_rng(3)
    Q, C = rng.normal(size=(30, 2)), rng.normal(size=(25, 2))
    r = incdtw.dtw(Q, C, return_wp=True, return_QC=True)
    ax = P.plotQC(r, dim=1, offset=5.0)
    np.testing.assert_array_equal(line(ax, "Q").get_ydata(), Q[:, 1])
    check_connectors(ax, Q[:, 1], C[:, 1], r.ii, r.jj, 5.0)
    with pytest.raises(ValueError, match="dim"):
        P.plotQC(r, dim=2)


def test_plotqc_bad_input(aligned):
    Q, C, r = aligned
    with pytest.raises(ValueError, match="Q"):
        P.plotQC(incdtw.dtw(Q, C, return_wp=True))
    with pytest.raises(ValueError, match="return_wp"):
        P.plotQC(incdtw.dtw(Q, C, return_QC=True))
    with pytest.raises(ValueError, match="ii"):
        P.plotQC(r, Q=Q[:10])
    with pytest.raises(TypeError, match="ax"):
        P.plotQC(r, ax="axes")
    with pytest.raises(TypeError, match="offset"):
        P.plotQC(r, offset="down")
    with pytest.raises(TypeError, match="dim"):
        P.plotQC(r, dim=0.5)
    with pytest.raises(TypeError, match="Q"):
        P.plotQC(r, Q=["a", "b"])
    with pytest.raises(ValueError, match="C"):
        P.plotQC(incdtw.dtw(np.abs(np.subtract.outer(Q, C)), "cm", return_wp=True, return_QC=True), Q=Q)


def test_dtwresult_plot_methods(aligned):
    Q, C, r = aligned
    ax = r.plot()
    check_connectors(ax, Q, C, r.ii, r.jj, C[0] - line(ax, "C").get_ydata()[0])
    assert len(r.plot(type="warp").axes) == 3
    assert r.plot(type="gcm").images
    with pytest.raises(ValueError, match="type"):
        r.plot(type="bars")


# -- plotWarp ---------------------------------------------------------------------------------------------
def test_plotwarp_three_axes(aligned):
    Q, C, r = aligned
    fig = P.plotWarp(r)
    centre, left, bottom = fig.axes
    np.testing.assert_array_equal(line(centre, "path").get_xdata(), r.jj)
    np.testing.assert_array_equal(line(centre, "path").get_ydata(), r.ii)
    np.testing.assert_array_equal(line(left, "Q").get_xdata(), Q)
    np.testing.assert_array_equal(line(left, "Q").get_ydata(), np.arange(len(Q)))
    np.testing.assert_array_equal(line(bottom, "C").get_xdata(), np.arange(len(C)))
    np.testing.assert_array_equal(line(bottom, "C").get_ydata(), C)
    assert centre.yaxis_inverted()  # Q's index downwards, as in the gcm
    lo, hi = centre.get_xlim()
    assert lo < 0 < len(C) - 1 < hi


def test_plotwarp_given_fig_and_bad_fig(aligned):
    _, _, r = aligned
    fig = plt.figure()
    assert P.plotWarp(r, fig=fig) is fig and len(fig.axes) == 3
    with pytest.raises(TypeError, match="fig"):
        P.plotWarp(r, fig=plt.gca())


# -- plot_gcm ---------------------------------------------------------------------------------------------
def test_plot_gcm_image_and_path(aligned):
    Q, C, _ = aligned
    r = incdtw.dtw(Q, C, ws=15, return_wp=True)
    ax = P.plot_gcm(r)
    (img,) = ax.images
    data = img.get_array()
    assert np.ma.isMaskedArray(data)
    np.testing.assert_array_equal(data.mask, np.isnan(r.gcm))
    np.testing.assert_array_equal(data.filled(np.nan), r.gcm)
    path = line(ax, "path")
    np.testing.assert_array_equal(path.get_xdata(), r.jj)
    np.testing.assert_array_equal(path.get_ydata(), r.ii)


def test_plot_gcm_path_from_dm_and_no_path(aligned):
    Q, C, _ = aligned
    r = incdtw.dtw(Q, C)  # no return_wp: the path is backtracked from dm
    ref = incdtw.dtw(Q, C, return_wp=True)
    fig, ax = plt.subplots()
    assert P.plot_gcm(r, ax=ax, colorbar=False) is ax
    np.testing.assert_array_equal(line(ax, "path").get_ydata(), ref.ii)
    np.testing.assert_array_equal(line(ax, "path").get_xdata(), ref.jj)
    ax2 = P.plot_gcm(r, path=False)
    assert not by_gid(ax2, "path")


def test_plot_gcm_bad_input(aligned):
    Q, C, _ = aligned
    with pytest.raises(ValueError, match="gcm"):
        P.plot_gcm(incdtw.dtw(Q, C, return_gcm=False))
    with pytest.raises(TypeError, match="path"):
        P.plot_gcm(incdtw.dtw(Q, C), path="yes")
    with pytest.raises(ValueError, match="path"):
        P.plot_gcm({"gcm": np.ones((3, 3))})


# -- plot_rundtw ------------------------------------------------------------------------------------------
@pytest.fixture
def search():
    walk = incdtw.datasets.planted_walk(length=3000, pattern_length=50, planted=2, seed=4)
    r = incdtw.rundtw(walk.pattern, walk.series, k=2, scale="z", ws=5, lower_bound=False, return_QC=True)
    return walk, r


def test_plot_rundtw_curve_minima_knn(search):
    walk, r = search
    fig = P.plot_rundtw(r)
    a0, a1 = fig.axes
    curve = line(a0, "dist")
    np.testing.assert_array_equal(curve.get_xdata(), np.arange(len(r.dist)))
    np.testing.assert_array_equal(curve.get_ydata(), r.dist)
    peaks = incdtw.find_peaks(r.dist, w=len(walk.pattern))
    assert len(peaks) > 0
    np.testing.assert_array_equal(line(a0, "minima").get_xdata(), peaks)
    np.testing.assert_array_equal(line(a0, "minima").get_ydata(), r.dist[peaks])
    np.testing.assert_array_equal(line(a0, "knn").get_xdata(), r.knn_indices)
    np.testing.assert_array_equal(line(a0, "knn").get_ydata(), r.knn_values)
    assert len(by_gid(a0, "knn_window")) == 2
    # panel 2: C and the k nearest windows over it
    np.testing.assert_array_equal(line(a1, "C").get_ydata(), walk.series)
    fits = [ln for ln in a1.lines if ln.get_gid() == "knn_fit"]
    assert len(fits) == 2
    n = len(walk.pattern)
    for fit, s in zip(fits, r.knn_indices):
        np.testing.assert_array_equal(fit.get_xdata(), np.arange(s, s + n))
        np.testing.assert_array_equal(fit.get_ydata(), walk.series[s : s + n])
    assert len([ln for ln in a1.lines if ln.get_gid() == "minimum_fit"]) == len(peaks)


def test_plot_rundtw_scaled_fits(search):
    walk, r = search
    fig = r.plot(scaled=True, scale="z")
    a2 = fig.axes[2]
    n = len(walk.pattern)
    fits = [ln for ln in a2.lines if ln.get_gid() == "scaled_fit"]
    assert len(fits) == 2
    for fit, s in zip(fits, r.knn_indices):
        np.testing.assert_allclose(fit.get_ydata(), incdtw.scale(walk.series[s : s + n], type="z"))
    queries = [ln for ln in a2.lines if ln.get_gid() == "Q"]
    np.testing.assert_array_equal(queries[0].get_ydata(), r.Q)


def test_plot_rundtw_dist_only_and_given_axes(search):
    walk, r = search
    plain = incdtw.rundtw(walk.pattern, walk.series, k=2, scale="z", ws=5)
    with pytest.raises(ValueError, match="Q or C"):
        P.plot_rundtw(plain)
    fig = P.plot_rundtw(plain, minima=False, knn=False)
    assert len(fig.axes) == 1
    np.testing.assert_array_equal(line(fig.axes[0], "dist").get_ydata(), plain.dist)
    fig2, (b0, b1) = plt.subplots(2, 1)
    assert P.plot_rundtw(plain, C=walk.series, ax=(b0, b1)) is fig2
    assert by_gid(b0, "dist") and by_gid(b1, "C")
    fig3, c0 = plt.subplots()
    P.plot_rundtw(plain, Q=walk.pattern, ax=c0)
    np.testing.assert_array_equal(line(c0, "knn").get_xdata(), plain.knn_indices)


def test_plot_rundtw_list_mode():
    rng = np.random.default_rng(8)
    Q = np.sin(np.arange(20) / 3)
    Cs = [np.cumsum(rng.normal(size=200)), np.cumsum(rng.normal(size=150))]
    Cs[1][60:80] = Q * 5
    r = incdtw.rundtw(Q, Cs, k=1, scale="01", return_QC=True)
    fig = P.plot_rundtw(r, lix=1)
    np.testing.assert_array_equal(line(fig.axes[0], "dist").get_ydata(), r.dist[1])
    np.testing.assert_array_equal(line(fig.axes[1], "C").get_ydata(), Cs[1])
    assert int(r.knn_list_indices[0]) == 1
    np.testing.assert_array_equal(line(fig.axes[0], "knn").get_xdata(), r.knn_indices)
    assert len(line(P.plot_rundtw(r, lix=0).axes[0], "knn").get_xdata()) == 0
    with pytest.raises(ValueError, match="lix"):
        P.plot_rundtw(r, lix=2)


def test_plot_rundtw_bad_input(search):
    walk, r = search
    with pytest.raises(TypeError, match="x"):
        P.plot_rundtw(incdtw.dtw([1.0, 2.0], [1.0, 2.0]))
    with pytest.raises(ValueError, match="scale"):
        P.plot_rundtw(r, scale="max")
    with pytest.raises(TypeError, match="scaled"):
        P.plot_rundtw(r, scaled="z")
    with pytest.raises(ValueError, match="ax"):
        P.plot_rundtw(r, ax=list(plt.subplots(3, 1)[1]), scaled=False)
    with pytest.raises(TypeError, match="ax"):
        P.plot_rundtw(r, ax="a")
    with pytest.raises(ValueError, match="do not fit"):
        P.plot_rundtw(r, Q=walk.pattern[:-1])
    with pytest.raises(ValueError, match="lix"):
        P.plot_rundtw(r, lix=1)


# -- plot_dba ---------------------------------------------------------------------------------------------
@pytest.fixture
def bary():
    lot = incdtw.datasets.warped_classes(n_per_class=4, length=40, shapes=("sine",))[0]
    return lot, incdtw.dba(lot, iterMax=3)


def test_plot_dba_barycenter(bary):
    lot, r = bary
    ax = r.plot(lot)
    grey = [ln for ln in ax.lines if ln.get_gid() == "series"]
    assert len(grey) == len(lot)
    for ln, s in zip(grey, lot):
        np.testing.assert_array_equal(ln.get_ydata(), s)
    np.testing.assert_array_equal(line(ax, "m1").get_ydata(), r.m1)
    assert ax.lines[-1].get_gid() == "m1"  # on top
    assert len([ln for ln in ax.lines if ln.get_gid() == "iteration"]) == len(r.iterations) - 1


def test_plot_dba_m2m_m2lot(bary):
    lot, r = bary
    ax = P.plot_dba(r, type="m2m")
    np.testing.assert_array_equal(line(ax, "m2m").get_xdata(), np.arange(1, len(r.iterDist_m2m) + 1))
    np.testing.assert_array_equal(line(ax, "m2m").get_ydata(), r.iterDist_m2m)
    fig, ax2 = plt.subplots()
    assert P.plot_dba(r, type="m2lot", ax=ax2) is ax2
    means = [np.mean(d) for d in r.iterDist_m2lot_norm]  # symmetric2: normalized, as IncDTW
    np.testing.assert_allclose(line(ax2, "m2lot").get_ydata(), means)
    assert by_gid(ax2, "sd")


def test_plot_dba_bad_input(bary):
    lot, r = bary
    with pytest.raises(ValueError, match="type"):
        P.plot_dba(r, type="bary")
    with pytest.raises(TypeError, match="x"):
        P.plot_dba(incdtw.dtw([1.0, 2.0], [1.0, 2.0]))
    with pytest.raises(ValueError, match="lot"):
        P.plot_dba(r, lot, type="m2m")


# -- plot_planedtw, plot_partial ---------------------------------------------------------------------------
def test_plot_planedtw_uses_plane_options(aligned):
    Q, C, _ = aligned
    p = incdtw.initialize_plane(Q, C[:40], step_pattern="symmetric1", ws=20).increment(C[40:])
    ref = incdtw.dtw(Q, C, step_pattern="symmetric1", ws=20, return_wp=True)
    ax = p.plot(offset=2.0)
    check_connectors(ax, Q, C, ref.ii, ref.jj, 2.0)
    fig = P.plot_planedtw(p, type="warp")
    np.testing.assert_array_equal(line(fig.axes[0], "path").get_xdata(), ref.jj)
    with pytest.raises(TypeError, match="plane"):
        P.plot_planedtw(ref)
    with pytest.raises(ValueError, match="type"):
        P.plot_planedtw(p, type="gcm")


def test_plot_partial_ranges_and_alignment():
    Q, C = np.sin(np.arange(1, 41) / 3), np.sin(np.arange(1, 121) / 3)
    full = incdtw.dtw(Q, C, return_QC=True)
    part = incdtw.dtw_partial(full, partial_Q=False)
    (q0, q1), (c0, c1) = part.rangeQ, part.rangeC
    assert c1 < len(C)
    ax = part.plot(Q, C, offset=3.0)
    np.testing.assert_array_equal(line(ax, "rangeQ").get_xdata(), np.arange(q0, q1))
    np.testing.assert_array_equal(line(ax, "rangeC").get_xdata(), np.arange(c0, c1))
    np.testing.assert_allclose(line(ax, "rangeC").get_ydata(), C[c0:c1] - 3.0)
    # the open-end path is the full alignment's path to the corner (q1 - 1, c1 - 1)
    ref = incdtw.dec_dm(full.dm, len(C) - c1)
    check_connectors(ax, Q, C, ref.ii, ref.jj, 3.0)
    # the DTWResult as x, the PartialResult as partial: Q and C from x
    ax2 = P.plot_partial(full, partial=part, offset=3.0)
    check_connectors(ax2, Q, C, ref.ii, ref.jj, 3.0)


def test_plot_partial_reversed_suffix():
    Q, C = np.cos(np.arange(30) / 4), np.cos(np.arange(-40, 30) / 4)
    part = incdtw.dtw_partial(incdtw.dtw(Q[::-1], C[::-1]), partial_Q=False, reverse=True)
    (c0, c1) = part.rangeC
    assert c0 > 0 and c1 == len(C)
    ax = P.plot_partial(part, Q, C, offset=0.0)
    ref = incdtw.dtw(Q, C[c0:], return_wp=True)
    check_connectors(ax, Q, C, ref.ii, ref.jj, 0.0, 0, c0)


def test_plot_partial_bad_input():
    Q, C = np.sin(np.arange(20.0)), np.sin(np.arange(50.0))
    part = incdtw.dtw_partial(incdtw.dtw(Q, C), partial_Q=False)
    with pytest.raises(TypeError, match="x"):
        P.plot_partial(incdtw.dtw(Q, C), Q, C)
    with pytest.raises(TypeError, match="partial"):
        P.plot_partial(incdtw.dtw(Q, C), Q, C, partial="p")
    with pytest.raises(ValueError, match="Q"):
        P.plot_partial(part, None, C)
    with pytest.raises(ValueError, match="rangeC"):
        P.plot_partial(part, Q, C[:5])


# -- docs and the optional dependency -----------------------------------------------------------------------
def test_docstring_examples():
    result = doctest.testmod(P, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_missing_matplotlib_message(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"pip install incdtw\[plot\]"):
        P._pyplot()


def test_import_incdtw_does_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys, incdtw, incdtw.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the remaining result objects --------------------------------------------------------------------------


def test_plot_dismat_condensed_square_and_centroid():
    X, _ = incdtw.datasets.warped_classes(n_per_class=3, length=40, seed=0)
    r = incdtw.dtw_dismat(X)
    square = incdtw.dtw_dismat(X, return_matrix=True).dismat
    for result in (r, incdtw.dtw_dismat(X, return_matrix=True)):
        ax = result.plot()
        assert np.array_equal(ax.images[0].get_array().filled(np.nan), square, equal_nan=True)
        assert ax.images[0].get_gid() == "dismat"
    c = incdtw.centroid(X)
    ax = c.plot()
    medoid_lines = [line for line in ax.get_lines() if line.get_gid() == "medoid"]
    assert len(medoid_lines) == 2
    assert medoid_lines[0].get_ydata()[0] == c.centroid_index and medoid_lines[1].get_xdata()[0] == c.centroid_index
    with pytest.raises(ValueError, match="condensed"):
        incdtw.plot.plot_dismat(np.arange(4.0))
    plt.close("all")


def test_plot_disvec_points_and_nearest():
    X, _ = incdtw.datasets.warped_classes(n_per_class=3, length=40, seed=0)
    r = incdtw.dtw_disvec(X[0], X[1:])
    _, ax = plt.subplots()
    assert r.plot(ax=ax) is ax
    line = next(l for l in ax.get_lines() if l.get_gid() == "disvec")
    assert np.array_equal(line.get_ydata(), r.disvec)
    star = next(l for l in ax.get_lines() if l.get_gid() == "nearest")
    assert star.get_xdata()[0] == int(np.argmin(r.disvec))
    plt.close("all")


def test_plot_path_and_lastcolrow():
    Q, C = incdtw.datasets.sine_pair()
    p = incdtw.dec_dm(incdtw.dtw(Q, C).dm, Ndec=5)
    line = p.plot().get_lines()[0]
    assert np.array_equal(line.get_xdata(), p.jj) and np.array_equal(line.get_ydata(), p.ii)
    v = incdtw.idtw2vec(Q, C)
    lines = {l.get_gid(): l for l in v.plot().get_lines()}
    assert np.array_equal(lines["gcm_lc"].get_ydata(), v.gcm_lc_new, equal_nan=True)
    assert np.array_equal(lines["gcm_lr"].get_ydata(), v.gcm_lr_new, equal_nan=True)
    with pytest.raises(ValueError, match="warping path"):
        incdtw.plot.plot_path({"ii": None})
    plt.close("all")
