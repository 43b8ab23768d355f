"""A naive, obviously-correct DTW written straight from IncDTW's definitions (API.md 1.1-1.6).

Kept in the tests on purpose: the package has exactly one implementation (the C++ core), and this
plain-Python one is the oracle it is checked against on random inputs.
"""

from __future__ import annotations

import math

import numpy as np

NAN = float("nan")
INF = float("inf")


def local_cost(q: np.ndarray, c: np.ndarray, dist_method: str) -> float:
    d = np.atleast_1d(q).astype(float) - np.atleast_1d(c).astype(float)
    if d.size == 1:  # univariate: |q - c| for norm1/norm2, (q - c)^2 for norm2_square
        x = float(d[0])
        return x * x if dist_method == "norm2_square" else abs(x)
    if dist_method == "norm1":
        return float(sum(abs(float(x)) for x in d))
    s = 0.0
    for x in d:
        s += float(x) * float(x)
    return math.sqrt(s) if dist_method == "norm2" else s


def cost_matrix(Q, C, dist_method="norm1", ws=None) -> np.ndarray:
    Q = np.asarray(Q, dtype=float)
    C = np.asarray(C, dtype=float)
    n, m = Q.shape[0], C.shape[0]
    out = np.full((n, m), NAN)
    for i in range(n):
        for j in range(m):
            if ws is None or abs(i - j) <= ws:
                out[i, j] = local_cost(Q[i], C[j], dist_method)
    return out


def dtw_from_cost(cm: np.ndarray, step_pattern="symmetric2", ws=None):
    """Returns (gcm with nan outside the window, dm with 0 for none, distance)."""
    n, m = cm.shape
    G = np.full((n, m), INF)
    dm = np.zeros((n, m), dtype=np.int8)
    inside = lambda i, j: ws is None or abs(i - j) <= ws  # noqa: E731
    for i in range(n):
        for j in range(m):
            if not inside(i, j):
                continue
            c = float(cm[i, j])
            if i == 0 and j == 0:
                G[i, j] = c
            elif i == 0:
                G[i, j] = c + G[i, j - 1]
                dm[i, j] = 2
            elif j == 0:
                G[i, j] = c + G[i - 1, j]
                dm[i, j] = 3
            else:
                d = G[i - 1, j - 1] + (c if step_pattern == "symmetric2" else 0.0)
                v = G[i - 1, j] if inside(i - 1, j) else INF
                h = G[i, j - 1] if inside(i, j - 1) else INF
                G[i, j] = c + min(d, v, h)
                dm[i, j] = 1 if (d <= v and d <= h) else (3 if v <= h else 2)
    gcm = np.where(np.isinf(G), NAN, G)
    return gcm, dm, float(gcm[n - 1, m - 1])


def backtrack(dm: np.ndarray):
    i, j = dm.shape[0] - 1, dm.shape[1] - 1
    ii, jj, wp = [i], [j], []
    while i > 0 or j > 0:
        s = int(dm[i, j])
        wp.append(s)
        if s == 1:
            i, j = i - 1, j - 1
        elif s == 2:
            j -= 1
        elif s == 3:
            i -= 1
        else:
            raise AssertionError(f"bad direction {s} at {(i, j)}")
        ii.append(i)
        jj.append(j)
    return np.array(ii[::-1]), np.array(jj[::-1]), np.array(wp[::-1], dtype=np.int8)


def dtw(Q, C, dist_method="norm1", step_pattern="symmetric2", ws=None):
    """(gcm, dm, distance, normalized_distance, ii, jj, wp) of two series."""
    Q = np.asarray(Q, dtype=float)
    C = np.asarray(C, dtype=float)
    cm = cost_matrix(Q, C, dist_method, ws)
    gcm, dm, dist = dtw_from_cost(cm, step_pattern, ws)
    n, m = cm.shape
    nd = dist / (n + m) if step_pattern == "symmetric2" else NAN
    ii, jj, wp = backtrack(dm)
    return gcm, dm, dist, nd, ii, jj, wp


def path_cost(cm: np.ndarray, ii, jj, step_pattern: str) -> float:
    """Cost of a path: the sum of the local costs, diagonal steps weighted 2 under symmetric2."""
    total = float(cm[ii[0], jj[0]])
    for k in range(1, len(ii)):
        c = float(cm[ii[k], jj[k]])
        diagonal = ii[k] == ii[k - 1] + 1 and jj[k] == jj[k - 1] + 1
        total += 2 * c if (diagonal and step_pattern == "symmetric2") else c
    return total


def envelope(Q, ws: int, incdtw_window: bool = False) -> np.ndarray:
    """The envelope of Q, shape (n, 2 d): per row i the minimum and maximum of Q over rows
    ``i - ws .. i + ws`` (clipped; ``ws = 0``: row i itself), columns ``(L_1, U_1, L_2, U_2, ...)``.
    ``incdtw_window``: IncDTW's rows ``i - ws .. i + ws - 1`` instead (no bound for the window ws)."""
    q = np.asarray(Q, dtype=float)
    q = q.reshape(len(q), -1)
    n, d = q.shape
    above = ws - 1 if (incdtw_window and ws > 0) else ws
    out = np.empty((n, 2 * d))
    for i in range(n):
        a, b = max(0, i - ws), min(n - 1, i + above)
        out[i, 0::2] = q[a : b + 1].min(axis=0)
        out[i, 1::2] = q[a : b + 1].max(axis=0)
    return out


def lower_bound(C, tube: np.ndarray, dist_method: str) -> float:
    """LB_Keogh / LB_MV: per row of C the excesses e over the band, summed (norm1), their Euclidean
    norm summed (norm2), their squares summed (norm2_square); one dimension: |e| for norm1 and
    norm2, e**2 for norm2_square."""
    c = np.asarray(C, dtype=float)
    c = c.reshape(len(c), -1)
    d = c.shape[1]
    total = 0.0
    for k in range(len(c)):
        lo, up = tube[k, 0::2], tube[k, 1::2]
        e = np.where(c[k] > up, c[k] - up, np.where(c[k] < lo, lo - c[k], 0.0))
        if dist_method == "norm1" or (d == 1 and dist_method == "norm2"):
            total += float(np.sum(e))
        elif dist_method == "norm2":
            total += math.sqrt(float(np.sum(e * e)))
        else:
            total += float(np.sum(e * e))
    return total
