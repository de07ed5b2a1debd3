"""Comparing two builds' tables the way the project promises they agree: counts and text exactly,
doubles to 1e-9 relative (sums may run in another order on another engine or plan)."""

from __future__ import annotations

import datetime as dt
import decimal
import math

RELATIVE = 1e-9


def normalised(value):
    """A value as both engines' drivers can agree on: numbers as int or float, times as ISO text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, (float, decimal.Decimal)):
        return float(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def sort_key(row):
    """Rows sorted by every column; doubles rounded so last-bit differences keep the order."""
    return tuple(
        (0, "") if v is None else (1, f"{v:.6g}") if isinstance(v, float) else (1, str(v))
        for v in row
    )


def assert_same_rows(table, expected, got, names=("DuckDB", "PostgreSQL")):
    """`expected` and `got` are (columns, rows) of one table from two builds."""
    expected_columns, expected_rows = expected
    got_columns, got_rows = got
    first, second = names
    assert expected_columns == got_columns, table
    assert len(expected_rows) == len(got_rows), (
        f"{table}: {len(expected_rows)} ({first}) vs {len(got_rows)} ({second}) rows"
    )
    left = sorted((tuple(map(normalised, row)) for row in expected_rows), key=sort_key)
    right = sorted((tuple(map(normalised, row)) for row in got_rows), key=sort_key)
    for left_row, right_row in zip(left, right, strict=True):
        for column, a, b in zip(expected_columns, left_row, right_row, strict=True):
            if isinstance(a, float) and isinstance(b, float):
                assert math.isclose(a, b, rel_tol=RELATIVE, abs_tol=1e-12), (
                    f"{table}.{column}: {a!r} ({first}) vs {b!r} ({second}) in {left_row}"
                )
            else:
                assert a == b, (
                    f"{table}.{column}: {a!r} ({first}) vs {b!r} ({second}) in {left_row}"
                )
