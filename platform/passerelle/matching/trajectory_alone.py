"""One guest's best trajectory when every other guest's stays stay where they are.

A dynamic programme over the guest's nights, exact for one guest: tonight the guest is
either not yet housed, between stays, or with one of its allowed hosts in a stay that began
within the last `cap` nights. Its goals are the planner's, in order (fewest uncovered
nights, then fewest moves, then fewest km-nights), folded into one cost with weights so
large that a later goal never outweighs an earlier one. `trajectories` uses it to polish a
plan guest by guest: each pass can only improve it. Pure: numpy arrays in, stays out.
"""

import numpy as np


def best_alone(needed: np.ndarray, km: np.ndarray, cap: int, first_free: bool
               ) -> list[tuple[int, int, int]]:
    """The guest's best stays as (option, first night, last night), nights counted from 0.

    `needed[t]`: the guest needs a bed on night t (False on nights a fixed stay covers).
    `km[k, t]`: the distance of option k if it has a room for the guest on night t, else
    inf. `first_free`: the guest has no stay yet, so its first stay is not a move."""
    K, T = km.shape
    cap = max(cap, 1)
    move = float(np.nan_to_num(km, posinf=0.0).max(initial=0.0)) * T + 1.0
    uncovered = (T + 2) * move
    cost = np.nan_to_num(km, posinf=0.0)
    S = np.cumsum(cost, axis=1)  # S[k, t]: km of option k from night 0 to t
    open_ = np.isfinite(km)
    fresh = 0.0 if first_free else np.inf
    gap = np.inf if first_free else 0.0
    host = np.full(K, np.inf)
    window = np.full((K, cap), np.inf)  # per start within the last cap nights: value - S
    kept_fresh, kept_gap = np.empty(T + 1), np.empty(T + 1)
    kept_host, kept_start = np.empty((K, T + 1)), np.empty((K, T))
    for t in range(T):
        kept_fresh[t], kept_gap[t], kept_host[:, t] = fresh, gap, host
        best = np.inf
        if K:
            i = int(host.argmin())
            best = host[i]
            others = np.full(K, best)
            others[i] = np.delete(host, i).min(initial=np.inf)
            start = np.minimum(fresh, move + np.minimum(gap, others))
            kept_start[:, t] = start
            window[~open_[:, t]] = np.inf  # a closed night ends every stay through it
            window[:, t % cap] = np.where(open_[:, t], start - (S[:, t - 1] if t else 0.0),
                                          np.inf)
            host = S[:, t] + window.min(axis=1)
        here = uncovered if needed[t] else 0.0
        gap = min(gap, best) + here
        fresh = fresh + here
    kept_fresh[T], kept_gap[T], kept_host[:, T] = fresh, gap, host
    return _read_back(kept_fresh, kept_gap, kept_host, kept_start, S, open_, cap, move)


def _read_back(fresh, gap, host, start, S, open_, cap, move):
    """The stays of the cheapest trajectory, read back from the states kept per night."""
    K, T = open_.shape
    t = T
    state = min([("fresh", fresh[t]), ("gap", gap[t])] + [(k, host[k, t]) for k in range(K)],
                key=lambda o: o[1])[0]
    stays = []
    while t > 0 and state != "fresh":
        if state == "gap":
            t -= 1
            state = min([("gap", gap[t])] + [(k, host[k, t]) for k in range(K)],
                        key=lambda o: o[1])[0]
            continue
        k, last = state, t - 1
        first = last
        while first > max(last - cap + 1, 0) and open_[k, first - 1]:
            first -= 1
        a = min(range(first, last + 1),
                key=lambda a: start[k, a] + S[k, last] - (S[k, a - 1] if a else 0.0))
        stays.append((k, a, last))
        t = a
        state = min([("fresh", fresh[t]), ("gap", move + gap[t])]
                    + [(q, move + host[q, t]) for q in range(K) if q != k],
                    key=lambda o: o[1])[0]
    return stays[::-1]
