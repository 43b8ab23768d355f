"""incdtw.sklearn: KNeighborsDTWClassifier against brute-force k-NN on dtw_cdist
distances and in scikit-learn's machinery; pairwise_dtw and dtw_dismat for clustering; n_jobs as
scikit-learn reads it."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from helpers import same

import incdtw
from incdtw import _validate as v

pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.cluster import DBSCAN, AgglomerativeClustering  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer  # noqa: E402

import incdtw.sklearn as isk  # noqa: E402
from incdtw.sklearn import KNeighborsDTWClassifier, pairwise_dtw  # noqa: E402


@pytest.fixture(scope="module")
def data():
    X, y = incdtw.datasets.warped_classes(n_per_class=6, length=40, seed=0)
    return X[:16], y[:16], X[16:], y[16:]


def brute_force(D, y_train, k, weights):
    """k-NN by hand: the k smallest distances (ties in training order) vote."""
    classes = np.unique(y_train)
    out, probas = [], []
    for row in D:
        idx = np.argsort(row, kind="stable")[:k]
        d = row[idx]
        if weights == "uniform":
            w = np.ones(k)
        elif (d == 0).any():
            w = (d == 0).astype(float)
        else:
            w = 1 / d
        votes = np.array([w[y_train[idx] == c].sum() for c in classes])
        probas.append(votes / votes.sum())
        out.append(classes[np.argmax(votes)])
    return np.array(out), np.array(probas)


# -- the classifier against brute force -----------------------------------------------------------------
@pytest.mark.parametrize("k", [1, 3, 5])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_predictions_equal_brute_force(data, k, weights):
    Xtr, ytr, Xte, _ = data
    D = incdtw.dtw_cdist(Xte, Xtr)
    expected, expected_proba = brute_force(D, ytr, k, weights)
    clf = KNeighborsDTWClassifier(n_neighbors=k, weights=weights).fit(Xtr, ytr)
    assert np.array_equal(clf.predict(Xte), expected)
    proba = clf.predict_proba(Xte)
    assert np.allclose(proba, expected_proba, rtol=0, atol=1e-12)
    assert proba.shape == (len(Xte), 4)
    assert np.allclose(proba.sum(axis=1), 1) and (proba >= 0).all()
    dist, ind = clf.kneighbors(Xte)
    assert np.array_equal(ind, np.argsort(D, axis=1, kind="stable")[:, :k])
    assert same(dist, np.take_along_axis(D, ind, axis=1))
    assert np.array_equal(clf.kneighbors(Xte, return_distance=False), ind)


@pytest.mark.parametrize(
    "options",
    [dict(dist_method="norm2"), dict(step_pattern="symmetric1", normalize=False), dict(normalize=False),
     dict(ws=16), dict(dist_method="norm2_square", ws=20.5)],
)
def test_dtw_options_reach_the_distances(data, options):
    Xtr, ytr, Xte, _ = data
    D = incdtw.dtw_cdist(Xte, Xtr, **options)
    clf = KNeighborsDTWClassifier(n_neighbors=3, **options).fit(Xtr, ytr)
    dist, _ = clf.kneighbors(Xte)
    assert same(dist, np.sort(D, axis=1)[:, :3])
    assert np.array_equal(clf.predict(Xte), brute_force(D, ytr, 3, "uniform")[0])


def test_string_labels_and_input_layouts(data, rng):
    Xtr, ytr, Xte, _ = data
    names = np.array(["sine", "square", "triangle", "bump"])
    clf = KNeighborsDTWClassifier().fit(Xtr, list(names[ytr]))
    assert list(clf.classes_) == sorted(names)
    expected = names[KNeighborsDTWClassifier().fit(Xtr, ytr).predict(Xte)]
    assert np.array_equal(clf.predict(Xte), expected)
    # equal-length series: a 2-D (n, length) array is the list of its rows
    A = rng.normal(size=(8, 20))
    labels = np.arange(8) % 2
    B = rng.normal(size=(3, 20))
    ref = KNeighborsDTWClassifier(n_neighbors=3).fit(list(A), labels).predict_proba(list(B))
    assert same(KNeighborsDTWClassifier(n_neighbors=3).fit(A, labels).predict_proba(B), ref)
    # 3-D (n, length, dims) and a list of (length, dims) of different lengths
    M = [rng.normal(size=(15 + i, 2)) for i in range(6)]
    clf = KNeighborsDTWClassifier().fit(M, labels[:6])
    assert same(clf.kneighbors(M[:2], n_neighbors=2)[0],
                np.sort(incdtw.dtw_cdist(M[:2], M), axis=1)[:, :2])
    M3 = rng.normal(size=(6, 15, 2))
    assert np.array_equal(KNeighborsDTWClassifier().fit(M3, labels[:6]).predict(M3), labels[:6])
    with pytest.raises(ValueError, match="X has 1 dimensions but the training series have 2"):
        clf.predict([np.arange(5.0)])


def test_pandas_input(data):
    pd = pytest.importorskip("pandas")
    Xtr, ytr, Xte, _ = data
    ref = KNeighborsDTWClassifier(n_neighbors=3).fit(Xtr, ytr).predict_proba(Xte)
    clf = KNeighborsDTWClassifier(n_neighbors=3).fit([pd.Series(x) for x in Xtr], pd.Series(ytr))
    assert same(clf.predict_proba([pd.Series(x) for x in Xte]), ref)
    # a DataFrame of equal-length series: one series per row, as a 2-D array
    rows = np.array([x[:30] for x in Xtr])
    frame = pd.DataFrame(rows)
    assert same(KNeighborsDTWClassifier().fit(frame, ytr).predict_proba(frame),
                KNeighborsDTWClassifier().fit(rows, ytr).predict_proba(rows))
    with pytest.raises(TypeError, match="got a pandas Series"):
        KNeighborsDTWClassifier().fit(pd.Series(Xtr[0]), ytr[:1])


def test_distance_weights_with_exact_match(data):
    Xtr, ytr, _, _ = data
    clf = KNeighborsDTWClassifier(n_neighbors=5, weights="distance").fit(Xtr, ytr)
    proba = clf.predict_proba(Xtr)  # each training series is at distance 0 from itself
    assert np.array_equal(clf.predict(Xtr), ytr)
    assert np.array_equal(proba, np.eye(4)[ytr])


def test_callable_weights(data):
    Xtr, ytr, Xte, _ = data
    clf = KNeighborsDTWClassifier(n_neighbors=4, weights=lambda d: np.exp(-d)).fit(Xtr, ytr)
    D = incdtw.dtw_cdist(Xte, Xtr)
    idx = np.argsort(D, axis=1, kind="stable")[:, :4]
    w = np.exp(-np.take_along_axis(D, idx, axis=1))
    votes = np.stack([(w * (ytr[idx] == c)).sum(axis=1) for c in range(4)], axis=1)
    assert np.allclose(clf.predict_proba(Xte), votes / votes.sum(axis=1, keepdims=True))
    bad = KNeighborsDTWClassifier(n_neighbors=2, weights=lambda d: d[:, :1]).fit(Xtr, ytr)
    with pytest.raises(ValueError, match="weights returned shape"):
        bad.predict(Xte)


def test_kneighbors_of_the_training_set_exclude_each_series(data):
    Xtr, ytr, _, _ = data
    clf = KNeighborsDTWClassifier(n_neighbors=2).fit(Xtr, ytr)
    dist, ind = clf.kneighbors()
    D = incdtw.dtw_cdist(Xtr)
    np.fill_diagonal(D, np.inf)
    assert (ind != np.arange(len(Xtr))[:, None]).all()
    assert np.allclose(dist, np.sort(D, axis=1)[:, :2], rtol=1e-12, atol=0)
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit - 1"):
        clf.kneighbors(n_neighbors=16)
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit, but n_neighbors = 17"):
        clf.kneighbors(Xtr, n_neighbors=17)
    with pytest.raises(ValueError, match="n_neighbors must be an integer >= 1"):
        clf.kneighbors(Xtr, n_neighbors=0)


def test_accuracy_well_above_chance():
    accuracies = []
    for seed in range(5):
        X, y = incdtw.datasets.warped_classes(n_per_class=8, length=40, seed=seed)
        accuracies.append(KNeighborsDTWClassifier().fit(X[::2], y[::2]).score(X[1::2], y[1::2]))
    # 4 classes: chance is 0.25 (sine and triangle, with noise, are the pair 1-NN confuses)
    assert min(accuracies) >= 0.5 and np.mean(accuracies) > 0.65


# -- scikit-learn conventions ---------------------------------------------------------------------------
def test_get_set_params_and_clone():
    clf = KNeighborsDTWClassifier(n_neighbors=3, weights="distance", ws=5, n_jobs=2)
    params = clf.get_params()
    assert params == dict(n_neighbors=3, weights="distance", dist_method="norm1", step_pattern="symmetric2",
                          ws=5, normalize=True, n_jobs=2)
    assert clf.set_params(n_neighbors=5, dist_method="norm2") is clf
    assert clf.n_neighbors == 5 and clf.dist_method == "norm2"
    twin = clone(clf)
    assert twin is not clf and twin.get_params() == clf.get_params()
    assert "n_neighbors=5" in repr(clf)


def test_parameters_are_stored_unchanged_and_checked_at_fit(data):
    Xtr, ytr, _, _ = data
    for params, name in [
        (dict(n_neighbors=0), "n_neighbors"), (dict(n_neighbors=2.5), "n_neighbors"),
        (dict(n_neighbors=True), "n_neighbors"), (dict(weights="inverse"), "weights"),
        (dict(dist_method="euclidean"), "dist_method"), (dict(step_pattern="asymmetric"), "step_pattern"),
        (dict(ws=-1), "ws"), (dict(ws="3"), "ws"), (dict(normalize="yes"), "normalize"),
        (dict(n_jobs=0), "n_jobs"), (dict(n_jobs=1.5), "n_jobs"),
        (dict(step_pattern="symmetric1"), "normalize"),
    ]:
        clf = KNeighborsDTWClassifier(**params)  # no check here
        assert all(getattr(clf, k) is val for k, val in params.items())
        with pytest.raises(ValueError, match=name):
            clf.fit(Xtr, ytr)


def test_bad_data(data):
    Xtr, ytr, _, _ = data
    with pytest.raises(NotFittedError):
        KNeighborsDTWClassifier().predict(Xtr)
    with pytest.raises(ValueError, match="X has 16 series but y has 15 labels"):
        KNeighborsDTWClassifier().fit(Xtr, ytr[:15])
    with pytest.raises(ValueError, match="Unknown label type"):
        KNeighborsDTWClassifier().fit(Xtr, np.linspace(0, 1, 16))
    with pytest.raises(TypeError, match="X must be a list of series"):
        KNeighborsDTWClassifier().fit(5, [1])
    nan = [x.copy() for x in Xtr]
    nan[3][7] = np.nan
    with pytest.raises(ValueError, match=r"^X\[3\] contains a non-finite value \(NaN or inf\) at observation 7"):
        KNeighborsDTWClassifier().fit(nan, ytr)
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="sparse input is not supported"):
        KNeighborsDTWClassifier().fit(sparse.csr_matrix(np.ones((2, 5))), [0, 1])


def test_pipeline_cross_val_score_and_grid_search():
    X, y = incdtw.datasets.warped_classes(n_per_class=6, length=40, seed=0)
    znorm = FunctionTransformer(lambda lot: [(s - s.mean()) / s.std() for s in lot])
    pipe = make_pipeline(znorm, KNeighborsDTWClassifier())
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.5
    scores = cross_val_score(KNeighborsDTWClassifier(n_neighbors=3), X, y, cv=3)
    assert scores.mean() > 0.5
    search = GridSearchCV(KNeighborsDTWClassifier(), {"n_neighbors": [1, 3, 5], "weights": ["uniform", "distance"]},
                          cv=3).fit(X, y)
    assert search.best_params_["n_neighbors"] in (1, 3, 5)
    assert search.best_score_ > 0.5
    assert search.predict(X[:4]).shape == (4,)


# -- clustering -------------------------------------------------------------------------------------------
def test_pairwise_dtw(data, rng):
    Xtr, _, Xte, _ = data
    D = pairwise_dtw(Xtr)
    assert D.shape == (16, 16) and same(D, D.T) and (np.diag(D) == 0).all()
    assert same(D, incdtw.dtw_dismat(Xtr, return_matrix=True).dismat)
    assert np.allclose(D, incdtw.dtw_cdist(Xtr), rtol=1e-12, atol=0)
    assert same(pairwise_dtw(Xte, Xtr), incdtw.dtw_cdist(Xte, Xtr))
    assert same(pairwise_dtw(Xte, Xtr, dist_method="norm2", ws=16, n_jobs=-1),
                incdtw.dtw_cdist(Xte, Xtr, dist_method="norm2", ws=16))
    assert same(pairwise_dtw(Xtr[:1]), np.zeros((1, 1)))
    with pytest.raises(ValueError, match="dist_method"):
        pairwise_dtw(Xtr, dist_method="cosine")
    with pytest.raises(ValueError, match="n_jobs"):
        pairwise_dtw(Xtr, n_jobs=0)


def test_precomputed_kneighbors_classifier_is_1nn_dtw(data):
    Xtr, ytr, Xte, _ = data
    knn = KNeighborsClassifier(n_neighbors=1, metric="precomputed").fit(pairwise_dtw(Xtr), ytr)
    ours = KNeighborsDTWClassifier().fit(Xtr, ytr)
    assert np.array_equal(knn.predict(pairwise_dtw(Xte, Xtr)), ours.predict(Xte))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_clustering_recovers_the_classes(seed):
    X, y = incdtw.datasets.warped_classes(n_per_class=6, length=40, seed=seed)
    agglo = AgglomerativeClustering(n_clusters=4, metric="precomputed", linkage="average")
    labels = agglo.fit_predict(pairwise_dtw(X))
    assert adjusted_rand_score(y, labels) > 0.3  # chance is about 0; 40 seeds give 0.35 to 1
    cluster = pytest.importorskip("scipy.cluster.hierarchy")
    Z = cluster.linkage(incdtw.dtw_dismat(X).dismat, method="average")
    scipy_labels = cluster.fcluster(Z, t=4, criterion="maxclust")
    assert adjusted_rand_score(y, scipy_labels) > 0.3
    assert adjusted_rand_score(labels, scipy_labels) == pytest.approx(1.0)  # the same average linkage
    db = DBSCAN(eps=float(np.median(incdtw.dtw_dismat(X).dismat)) / 2, min_samples=3, metric="precomputed")
    assert db.fit_predict(pairwise_dtw(X)).shape == (len(X),)


def test_module_docstring_examples():
    result = doctest.testmod(isk, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# -- n_jobs as scikit-learn reads it ----------------------------------------------------------------------
def test_resolve_n_jobs():
    n = v.cpu_count()
    assert v.resolve_n_jobs(None) == 1
    assert v.resolve_n_jobs(-1) == -1  # every processor, resolved by _core
    assert v.resolve_n_jobs(-2) == max(n - 1, 1)
    assert v.resolve_n_jobs(-n) == 1
    assert v.resolve_n_jobs(-n - 5) == 1  # as joblib: at least one
    assert v.resolve_n_jobs(3) == 3 and v.resolve_n_jobs(np.int32(2)) == 2
    assert v.resolve_n_jobs(2**40) == 2**31 - 1
    with pytest.raises(ValueError, match="^n_jobs must not be 0"):
        v.resolve_n_jobs(0)
    for bad in (True, 1.0, "2", np.bool_(True)):
        with pytest.raises(TypeError, match="^n_jobs must be an integer or None"):
            v.resolve_n_jobs(bad)


@pytest.mark.parametrize("n_jobs", [None, 1, 2, -1, -2])
def test_n_jobs_do_not_change_results(data, n_jobs):
    Xtr, ytr, Xte, _ = data
    ref = incdtw.dtw_cdist(Xte, Xtr, n_jobs=1)
    clf = KNeighborsDTWClassifier(n_neighbors=3, n_jobs=n_jobs).fit(Xtr, ytr)
    assert same(clf.kneighbors(Xte)[0], np.sort(ref, axis=1)[:, :3])
