"""Business minutes on the generated sample against an independent Python computation: the seeds'
schedules and holidays, Python's own time-zone database (zoneinfo) for the local opening hours,
and minute boundaries counted as dbt.datediff counts them."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from conftest import PROJECT_DIR

# End to end: builds a warehouse (`make test-fast` leaves it out).
pytestmark = pytest.mark.build

UTC = ZoneInfo("UTC")


def read_seed(name: str) -> list[dict[str, str]]:
    with open(PROJECT_DIR / "seeds" / f"{name}.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def open_intervals(first: date, last: date) -> dict[str, list[tuple[datetime, datetime]]]:
    """Each region's open periods in naive UTC, one per local working day from first to last."""
    holidays = {
        (row["holiday_country"], row["holiday_date"]) for row in read_seed("public_holidays")
    }
    intervals: dict[str, list[tuple[datetime, datetime]]] = {}
    for row in read_seed("business_schedules"):
        zone = ZoneInfo(row["time_zone"])
        day = first
        while day <= last:
            if day.isoweekday() == int(row["iso_day_of_week"]) and (
                (row["holiday_country"], day.isoformat()) not in holidays
            ):
                midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
                opens, closes = (
                    (midnight + timedelta(minutes=int(row[column])))
                    .astimezone(UTC)
                    .replace(tzinfo=None)
                    for column in ("open_minute", "close_minute")
                )
                intervals.setdefault(row["region"], []).append((opens, closes))
            day += timedelta(days=1)
    return intervals


def epoch_minute(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)).total_seconds() // 60)


def business_minutes(start, end, intervals) -> int:
    """Sum over open periods of the minute boundaries crossed inside them."""
    total = 0
    for opens, closes in intervals:
        if end > opens and start < closes:
            total += epoch_minute(min(end, closes)) - epoch_minute(max(start, opens))
    return total


@pytest.fixture(scope="module")
def tickets(sample_build) -> pd.DataFrame:
    return sample_build.query(
        "select tickets.ticket_id, tickets.schedule_region, tickets.created_at,"
        " tickets.first_response_at, tickets.solved_at,"
        " tickets.first_response_business_minutes, tickets.resolution_business_minutes,"
        " tickets.first_response_calendar_minutes, as_of.as_of_at"
        " from core.fct_support_tickets as tickets"
        " cross join intermediate.int_build_as_of as as_of"
    )


def test_business_minutes_match_zoneinfo(tickets):
    first = tickets["created_at"].min().date() - timedelta(days=1)
    last = tickets["as_of_at"].iloc[0].date() + timedelta(days=1)
    intervals = open_intervals(first, last)
    assert set(tickets["schedule_region"].dropna()) <= set(intervals)
    compared = 0
    for row in tickets.itertuples():
        periods = intervals.get(row.schedule_region, [])
        for event, measured in [
            (row.first_response_at, row.first_response_business_minutes),
            (row.solved_at, row.resolution_business_minutes),
        ]:
            if pd.isna(event):
                assert pd.isna(measured), row
                continue
            wanted = business_minutes(
                row.created_at.to_pydatetime(), event.to_pydatetime(), periods
            )
            assert measured == wanted, (row.ticket_id, measured, wanted)
            compared += 1
    assert compared > 1000
    # the sample's tickets arrive around the clock: business time is rarely all of it
    answered = tickets.dropna(subset=["first_response_business_minutes"])
    assert (
        answered["first_response_business_minutes"] <= answered["first_response_calendar_minutes"]
    ).all()
    assert (
        answered["first_response_business_minutes"] < answered["first_response_calendar_minutes"]
    ).mean() > 0.5
