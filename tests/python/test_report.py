"""`nps-report`: one HTML file from the published marts, proved in a real browser (headless
Chromium over the DevTools protocol): no console error, no failed request, nothing loaded from
outside the file, every chart drawn with data and the build's as_of."""

from __future__ import annotations

import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from chromium import ChromiumMissing, load_page
from conftest import PROJECT_DIR

from nps_warehouse import report

CHARTS = {key for key, _ in report.CHARTS}


def run_report(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nps_warehouse.report", *args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def rendered(sample_build, tmp_path_factory) -> tuple[Path, str]:
    """The report of the shared sample build, rendered from a copy of its publication alone (no
    warehouse beside it: the report reads nothing else)."""
    folder = tmp_path_factory.mktemp("report")
    publication = folder / "nps_marts.duckdb"
    shutil.copy(sample_build.publish_path, publication)
    out = folder / "report" / "index.html"
    completed = run_report("--publication", str(publication), "--out", str(out))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert f"Report written to {out}" in completed.stdout
    with duckdb.connect(str(publication), read_only=True) as connection:
        as_of = connection.execute("select as_of_at from meta.publication").fetchall()[0][0]
    return out, f"{as_of:%Y-%m-%d %H:%M} UTC"


def test_the_report_needs_a_publication_and_says_to_build(tmp_path):
    completed = run_report(
        "--publication", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "index.html")
    )
    assert completed.returncode == 1
    assert "run `make build` first" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not (tmp_path / "index.html").exists()


class _Loads(HTMLParser):
    """Every attribute of the page that could make the browser fetch something."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data", "poster", "action") and value:
                self.urls.append(f"<{tag} {name}={value!r}>")
        if tag == "link":
            self.urls.append(f"<link {attrs}>")


@pytest.mark.build
def test_the_report_is_one_file_that_loads_nothing(rendered):
    out, as_of = rendered
    text = out.read_text(encoding="utf-8")
    loads = _Loads()
    loads.feed(text)
    assert loads.urls == []  # no script, stylesheet, image or font from anywhere else
    assert loads.scripts >= 1 + len(CHARTS)  # plotly.js inline, then one script per chart
    assert "@import" not in text and "url(http" not in text
    assert f"as of {as_of}" in text
    assert [f'data-chart="{key}"' in text for key in CHARTS] == [True] * len(CHARTS)


@pytest.mark.build
def test_the_report_in_chromium(rendered, tmp_path):
    out, as_of = rendered
    try:
        page = load_page(out)
    except ChromiumMissing as error:
        pytest.fail(str(error))  # CI must prove the report in a real browser: never a skip
    assert page.console_errors == []
    assert page.failed_requests == []
    assert [url for url in page.requests if not url.startswith(("file://", "data:"))] == []
    assert {chart["id"] for chart in page.charts} == {f"chart-{key}" for key in CHARTS}
    for chart in page.charts:
        assert chart["drawn"], chart["id"]
        assert chart["points"] and sum(chart["points"]) > 0, chart
        assert all(points > 0 for points in chart["points"]), chart  # no empty trace either
        assert f"as of {as_of}" in chart["title"], chart["id"]
    screenshot = tmp_path / "report.png"
    screenshot.write_bytes(page.screenshot)
    assert page.screenshot.startswith(b"\x89PNG") and len(page.screenshot) > 50_000
