"""Shared by the bench/*.py reports: goal verdicts (every goal row says met or missed and its ratio to the limit),
the high percentile a sample supports, matplotlib for the plots, and a free loopback port."""
import socket
import sys


def free_port(kind=socket.SOCK_STREAM):
    """A port on 127.0.0.1 that nothing listens on now (TCP, or UDP with SOCK_DGRAM)."""
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def verdict(value, limit, unit="", fmt=".0f", lower_is_better=True):
    """'**met** — 412 ms, 0.82× the limit (500 ms)'; for a floor (lower_is_better=False) the ratio is limit/value."""
    met = value <= limit if lower_is_better else value >= limit
    ratio = value / limit if lower_is_better else (limit / value if value else float("inf"))
    return f"{'**met**' if met else '**missed**'} — {value:{fmt}}{unit}, {ratio:.2f}× the limit ({limit:{fmt}}{unit})"


def pct_label(n):
    """The high percentile a sample of n supports: p95 needs at least 20 values, else the largest is the max."""
    return "p95" if n >= 20 else "max"


def high(xs):
    """p95 (nearest rank) with at least 20 values, else the max."""
    xs = sorted(xs)
    if len(xs) >= 20:
        return xs[max(0, int(round(0.95 * len(xs))) - 1)]
    return xs[-1]


def pyplot(who):
    """matplotlib.pyplot with the Agg backend; exits naming `who` when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit(f"{who}: matplotlib is missing (Debian: python3-matplotlib, run with /usr/bin/python3)")
    return plt
