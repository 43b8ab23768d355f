"""scikit-learn and scipy with DTW distances: a k-nearest-neighbour classifier and precomputed
distance matrices for clustering.

Needs scikit-learn (``pip install incdtw[sklearn]``); import it explicitly, ``import incdtw.sklearn``
(``import incdtw`` does not import scikit-learn).

* :class:`KNeighborsDTWClassifier`: 1-NN / k-NN classification under DTW, a scikit-learn estimator
  (``fit``, ``predict``, ``predict_proba``, ``kneighbors``, ``score``; works in pipelines,
  ``cross_val_score``, ``GridSearchCV``, ``clone``). Its ``X`` is a collection of series as
  :func:`incdtw.dtw_dismat` takes it: a list of 1-D ``(length,)`` or 2-D ``(length, dims)`` arrays
  of any lengths (pandas Series / DataFrames too), a 2-D ``(n, length)`` or 3-D
  ``(n, length, dims)`` array, or a DataFrame with one univariate series per row.
* :func:`pairwise_dtw`: the square matrix of DTW distances, for the scikit-learn estimators that
  take ``metric="precomputed"`` (``AgglomerativeClustering``, ``DBSCAN``, ``HDBSCAN``,
  ``KNeighborsClassifier``, ``SpectralClustering`` after turning distances into affinities).
* scipy's hierarchical clustering takes the condensed vector of :func:`incdtw.dtw_dismat`
  directly, in the order of ``scipy.spatial.distance.pdist``:
  ``scipy.cluster.hierarchy.linkage(incdtw.dtw_dismat(X).dismat, "average")``.

``n_jobs`` follows scikit-learn: ``None`` one thread, ``-1`` all cores, ``-2`` all but one.

Examples
--------
Classify warped shapes with 1-NN under DTW:

>>> import numpy as np, incdtw
>>> from incdtw.sklearn import KNeighborsDTWClassifier, pairwise_dtw
>>> X, y = incdtw.datasets.warped_classes(n_per_class=6, length=40, seed=1)
>>> clf = KNeighborsDTWClassifier(n_neighbors=1).fit(X[:16], y[:16])
>>> clf.predict(X[16:]).shape, clf.classes_
((8,), array([0, 1, 2, 3]))
>>> bool(clf.score(X[16:], y[16:]) > 0.8)
True

With scikit-learn's model selection (series of different lengths stay a list):

>>> from sklearn.model_selection import GridSearchCV
>>> search = GridSearchCV(KNeighborsDTWClassifier(), {"n_neighbors": [1, 3]}, cv=3).fit(X, y)
>>> search.best_params_["n_neighbors"] in (1, 3)
True

Cluster with a precomputed DTW distance matrix:

>>> from sklearn.cluster import AgglomerativeClustering
>>> from sklearn.metrics import adjusted_rand_score
>>> D = pairwise_dtw(X)
>>> D.shape
(24, 24)
>>> labels = AgglomerativeClustering(n_clusters=4, metric="precomputed", linkage="average").fit_predict(D)
>>> bool(adjusted_rand_score(y, labels) > 0.5)
True

or with scipy on the condensed distances of :func:`incdtw.dtw_dismat`:

>>> from scipy.cluster.hierarchy import fcluster, linkage
>>> Z = linkage(incdtw.dtw_dismat(X).dismat, method="average")
>>> labels = fcluster(Z, t=4, criterion="maxclust")
>>> bool(adjusted_rand_score(y, labels) > 0.5)
True
"""

from __future__ import annotations

import numbers
from typing import Any, Callable, Optional, Union, cast

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted, column_or_1d
except ImportError as exc:  # pragma: no cover - only without scikit-learn
    raise ImportError(
        "incdtw.sklearn needs scikit-learn: pip install scikit-learn (or incdtw[sklearn])"
    ) from exc

from . import _validate as v
from .collection import as_collection, dtw_cdist, dtw_dismat

__all__ = ["KNeighborsDTWClassifier", "pairwise_dtw"]

WEIGHTS = ("uniform", "distance")


def _collection(X: Any, name: str) -> list[np.ndarray]:
    """A collection as :func:`incdtw.collection.as_collection` takes it; a DataFrame is read as
    one univariate series per row (scikit-learn's samples-by-features layout), like a 2-D array."""
    if type(X).__module__.startswith("scipy.sparse"):
        raise TypeError(f"{name}: sparse input is not supported; pass a list of series or a dense array")
    if v._is_pandas(X):
        if type(X).__name__ != "DataFrame":
            raise TypeError(
                f"{name} must be a list of series, a 2-D/3-D array or a DataFrame (one series per row), "
                "got a pandas Series: pass [series] for a single series"
            )
        X = v.pandas_values(X, name)
    return as_collection(X, name)


def _dtw_options(
    dist_method: Any, step_pattern: Any, normalize: Any, ws: Any, n_jobs: Any
) -> dict[str, Any]:
    """The DTW keywords, checked; every bad value is a ValueError naming its parameter (as
    scikit-learn's parameter validation)."""
    try:
        v.check_choice(dist_method, "dist_method", v.DIST_METHODS)
        v.check_choice(step_pattern, "step_pattern", v.STEP_PATTERNS)
        norm = v.check_flag(normalize, "normalize")
        window = v.check_ws(ws)
        jobs = v.resolve_n_jobs(n_jobs)
    except TypeError as exc:
        raise ValueError(str(exc)) from exc
    if norm and step_pattern == "symmetric1":
        raise ValueError(
            "normalize=True needs step_pattern='symmetric2' (symmetric1 distances do not grow with the "
            "lengths); pass normalize=False for symmetric1"
        )
    return dict(dist_method=dist_method, step_pattern=step_pattern, normalize=norm, ws=window, n_jobs=jobs)


def pairwise_dtw(
    X: Any,
    Y: Any = None,
    *,
    dist_method: str = "norm1",
    step_pattern: str = "symmetric2",
    normalize: bool = True,
    ws: Optional[float] = None,
    n_jobs: Optional[int] = None,
) -> np.ndarray:
    """DTW distances between the series of X and Y as a dense matrix, for ``metric="precomputed"``.

    Parameters
    ----------
    X, Y : collections of series
        As :class:`KNeighborsDTWClassifier` takes them. ``Y=None``: X with itself, the symmetric
        ``(n, n)`` matrix with zero diagonal (from :func:`incdtw.dtw_dismat`, each pair once), as
        ``fit`` of clustering estimators takes it; with Y the ``(len(X), len(Y))`` matrix
        (:func:`incdtw.dtw_cdist`), as ``predict`` of ``KNeighborsClassifier(metric="precomputed")``
        takes it (test series by training series).
    dist_method, step_pattern, normalize, ws
        As in :func:`incdtw.dtw_dismat`; ``normalize=True`` (``distance / (n + m)``, needs
        ``symmetric2``) makes series of different lengths comparable.
    n_jobs : int, optional
        As in scikit-learn: ``None`` one thread, ``-1`` all cores, ``-2`` all but one.

    Returns
    -------
    ndarray of float64 (float32 when every series is float32)

    Examples
    --------
    >>> import numpy as np
    >>> from incdtw.sklearn import pairwise_dtw
    >>> X = [np.sin(np.arange(20) / 3), np.sin(np.arange(24) / 3.6), np.cos(np.arange(20) / 3)]
    >>> D = pairwise_dtw(X)
    >>> D.shape, bool((D == D.T).all()), bool((np.diag(D) == 0).all())
    ((3, 3), True, True)
    >>> pairwise_dtw(X[:1], X).shape
    (1, 3)
    """
    opts = _dtw_options(dist_method, step_pattern, normalize, ws, n_jobs)
    xs = _collection(X, "X")
    if Y is None:
        if len(xs) == 1:
            return np.zeros((1, 1), dtype=xs[0].dtype)
        return dtw_dismat(xs, return_matrix=True, **opts).dismat
    return dtw_cdist(xs, _collection(Y, "Y"), **opts)


class KNeighborsDTWClassifier(ClassifierMixin, BaseEstimator):
    """k-nearest-neighbour classifier under DTW (1-NN DTW with the defaults), for series of any
    lengths.

    Parameters
    ----------
    n_neighbors : int, default 1
        Neighbours that vote.
    weights : {"uniform", "distance"} or callable, default "uniform"
        ``"uniform"``: every neighbour counts the same; ``"distance"``: by the inverse of its
        distance (neighbours at distance 0, if any, alone decide); a callable maps the
        ``(n_queries, n_neighbors)`` distances to weights of that shape. As scikit-learn's
        ``KNeighborsClassifier``; ties go to the first class in ``classes_``.
    dist_method, step_pattern, ws
        Of the DTW distance, as in :func:`incdtw.dtw_cdist`. With ``ws`` every test series must
        have a feasible window with every training series (lengths differing by at most ``ws``).
    normalize : bool, default True
        ``distance / (n + m)``, for series of different lengths (needs ``symmetric2``).
    n_jobs : int, optional
        Threads of the distance computation: ``None`` one, ``-1`` all cores, ``-2`` all but one.

    Attributes
    ----------
    classes_ : ndarray
        The class labels, sorted.
    X_fit_ : list of ndarray
        The training series (float arrays).
    n_samples_fit_ : int

    Notes
    -----
    Parameters are stored unchanged and checked by ``fit`` (a ValueError names a bad one).
    Prediction computes the DTW distances of every query to every training series with
    :func:`incdtw.dtw_cdist`; neighbours at equal distances are taken in training order.

    Examples
    --------
    >>> import incdtw
    >>> from incdtw.sklearn import KNeighborsDTWClassifier
    >>> X, y = incdtw.datasets.warped_classes(n_per_class=5, length=40, shapes=("sine", "square"), seed=3)
    >>> clf = KNeighborsDTWClassifier(n_neighbors=3, weights="distance").fit(X[:6], y[:6])
    >>> clf.predict_proba(X[6:8]).shape
    (2, 2)
    >>> dist, ind = clf.kneighbors(X[6:8], n_neighbors=2)
    >>> dist.shape, ind.shape
    ((2, 2), (2, 2))
    """

    def __init__(
        self,
        n_neighbors: int = 1,
        weights: Union[str, Callable[[np.ndarray], np.ndarray]] = "uniform",
        dist_method: str = "norm1",
        step_pattern: str = "symmetric2",
        ws: Optional[float] = None,
        normalize: bool = True,
        n_jobs: Optional[int] = None,
    ) -> None:
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.dist_method = dist_method
        self.step_pattern = step_pattern
        self.ws = ws
        self.normalize = normalize
        self.n_jobs = n_jobs

    # -- parameters ---------------------------------------------------------------------------------
    @staticmethod
    def _check_n_neighbors(n_neighbors: Any, name: str = "n_neighbors") -> int:
        if (
            isinstance(n_neighbors, (bool, np.bool_))
            or not isinstance(n_neighbors, numbers.Integral)
            or int(n_neighbors) < 1
        ):
            raise ValueError(f"{name} must be an integer >= 1, got {n_neighbors!r}")
        return int(n_neighbors)

    def _check_params(self) -> dict[str, Any]:
        self._check_n_neighbors(self.n_neighbors)
        if not callable(self.weights) and (not isinstance(self.weights, str) or self.weights not in WEIGHTS):
            raise ValueError(f"weights must be 'uniform', 'distance' or a callable, got {self.weights!r}")
        return _dtw_options(self.dist_method, self.step_pattern, self.normalize, self.ws, self.n_jobs)

    # -- fit ------------------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any) -> "KNeighborsDTWClassifier":
        """Store the training series and their labels (checks the parameters).

        Parameters
        ----------
        X : collection of series (see the module docstring)
        y : array_like of shape (n_samples,)
            Class labels.
        """
        self._check_params()
        series = _collection(X, "X")
        y = column_or_1d(y, warn=True)
        if len(y) != len(series):
            raise ValueError(f"X has {len(series)} series but y has {len(y)} labels")
        check_classification_targets(y)
        for k, s in enumerate(series):  # now, not at the first prediction
            if not np.isfinite(s).all():
                bad = int(np.argwhere(~np.isfinite(s))[0][0])
                raise ValueError(f"X[{k}] contains a non-finite value (NaN or inf) at observation {bad}")
        self.classes_, self._y = np.unique(y, return_inverse=True)
        self.X_fit_ = series
        self.n_samples_fit_ = len(series)
        return self

    # -- neighbours -------------------------------------------------------------------------------------
    def _distances(self, X: Any) -> np.ndarray:
        """Distances of the queries (rows) to the training series (columns); X=None: the training
        series with themselves, each series not its own neighbour (inf on the diagonal)."""
        check_is_fitted(self, "X_fit_")
        opts = self._check_params()
        if X is None:
            if self.n_samples_fit_ == 1:
                D = np.zeros((1, 1))
            else:
                D = dtw_dismat(self.X_fit_, return_matrix=True, **opts).dismat.astype(np.float64)
            np.fill_diagonal(D, np.inf)
            return D
        xs = _collection(X, "X")
        if v.dims_of(xs[0]) != v.dims_of(self.X_fit_[0]):
            raise ValueError(
                f"X has {v.dims_of(xs[0])} dimensions but the training series have {v.dims_of(self.X_fit_[0])}"
            )
        return np.asarray(dtw_cdist(xs, self.X_fit_, **opts), dtype=np.float64)

    def _neighbors(self, D: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        ind = np.argsort(D, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(D, ind, axis=1), ind

    def _k(self, n_neighbors: Any, query_is_train: bool) -> int:
        k = self._check_n_neighbors(self.n_neighbors if n_neighbors is None else n_neighbors)
        available = self.n_samples_fit_ - (1 if query_is_train else 0)
        if k > available:
            raise ValueError(
                f"Expected n_neighbors <= n_samples_fit{' - 1' if query_is_train else ''}, but n_neighbors = {k}, "
                f"n_samples_fit = {self.n_samples_fit_}"
            )
        return k

    def kneighbors(
        self, X: Any = None, n_neighbors: Optional[int] = None, return_distance: bool = True
    ) -> Union[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        """The nearest training series of each query, nearest first.

        Parameters
        ----------
        X : collection of series, optional
            ``None``: the neighbours of each training series among the others (itself excluded).
        n_neighbors : int, optional
            Default: the ``n_neighbors`` of the estimator.
        return_distance : bool, default True

        Returns
        -------
        neigh_dist : ndarray of shape (n_queries, n_neighbors)
            Only with ``return_distance``.
        neigh_ind : ndarray of shape (n_queries, n_neighbors)
            Indices into the training series.
        """
        check_is_fitted(self, "X_fit_")
        k = self._k(n_neighbors, X is None)
        dist, ind = self._neighbors(self._distances(X), k)
        return (dist, ind) if return_distance else ind

    # -- predictions ----------------------------------------------------------------------------------
    def _weights(self, dist: np.ndarray) -> np.ndarray:
        if self.weights == "uniform":
            return np.ones_like(dist)
        if self.weights == "distance":
            zero = dist == 0
            with np.errstate(divide="ignore"):
                w = 1.0 / dist
            rows = zero.any(axis=1)
            w[rows] = zero[rows]  # exact matches alone decide (as scikit-learn)
            return w
        w = np.asarray(cast(Callable[[np.ndarray], np.ndarray], self.weights)(dist), dtype=np.float64)
        if w.shape != dist.shape:
            raise ValueError(f"weights returned shape {w.shape}, expected {dist.shape}")
        return w

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities: the (weighted) share of each class among the neighbours.

        Returns
        -------
        ndarray of shape (n_queries, n_classes), columns in the order of ``classes_``
        """
        check_is_fitted(self, "X_fit_")
        dist, ind = self.kneighbors(X)
        w = self._weights(dist)
        proba: np.ndarray = np.zeros((ind.shape[0], len(self.classes_)))
        rows = np.repeat(np.arange(ind.shape[0]), ind.shape[1])
        np.add.at(proba, (rows, self._y[ind].ravel()), w.ravel())
        total: np.ndarray = proba.sum(axis=1, keepdims=True)
        total[total == 0] = 1.0  # all weights 0 (a callable's choice): all-zero row, as scikit-learn
        share: np.ndarray = proba / total
        return share

    def predict(self, X: Any) -> np.ndarray:
        """The class of each query: the (weighted) majority of its neighbours; ties go to the
        first class in ``classes_``."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]  # type: ignore[no-any-return]
