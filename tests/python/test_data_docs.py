"""Great Expectations Data Docs offline: after `data_docs.make_offline`, every script, stylesheet
and image a rendered page loads is a file of the site itself, shipped with its licence."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from nps_warehouse import data_docs


class _Loads(HTMLParser):
    """What a page loads by itself: script src, link href (not the canonical link), img src."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "img") and attributes.get("src"):
            self.urls.append(attributes["src"])
        if tag == "link" and attributes.get("href") and attributes.get("rel") != "canonical":
            self.urls.append(attributes["href"])


def loads_of(page: Path) -> list[str]:
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.urls


def missing_or_remote(site: Path) -> list[str]:
    problems = []
    for page in sorted(site.rglob("*.html")):
        for url in loads_of(page):
            if urlparse(url).scheme or url.startswith("//"):
                problems.append(f"{page.relative_to(site)}: remote {url}")
            elif not (page.parent / url).resolve().is_file():
                problems.append(f"{page.relative_to(site)}: missing {url}")
    return problems


def site_of(build) -> Path:
    return Path(build.env["NPS_GX_ROOT"]) / "gx" / "uncommitted" / "data_docs" / "local_site"


@pytest.fixture(scope="module")
def offline_site(sample_build, tmp_path_factory) -> Path:
    """A copy of the sample build's Data Docs, made offline."""
    site = tmp_path_factory.mktemp("data_docs") / "local_site"
    shutil.copytree(site_of(sample_build), site)
    assert data_docs.make_offline(site) == []
    return site


@pytest.mark.build
def test_the_build_points_gx_pages_at_the_vendored_copies(sample_build):
    """GX renders its pages with styles and scripts from public hosts; after nps-build the index
    loads the project's copies instead (more than ten of them), and nothing from the network."""
    index = site_of(sample_build) / "index.html"
    loads = loads_of(index)
    assert [url for url in loads if url.startswith(("http://", "https://", "//"))] == []
    assert len([url for url in loads if "static/vendor/" in url]) > 10


@pytest.mark.build
def test_every_page_loads_only_files_of_the_site(offline_site):
    pages = list(offline_site.rglob("*.html"))
    assert len(pages) > 10 and (offline_site / "index.html") in pages
    assert missing_or_remote(offline_site) == []
    # the index's table is filled by bootstrap-table, from the site's own copy
    index_loads = loads_of(offline_site / "index.html")
    assert "./static/vendor/bootstrap-table-1.19.1/bootstrap-table.min.js" in index_loads
    assert "./static/vendor/jquery-3.7.1/jquery.min.js" in index_loads
    stylesheet = (offline_site / "static" / "styles" / "data_docs_default_styles.css").read_text()
    assert data_docs.GX_WEB_ASSETS not in stylesheet


@pytest.mark.build
def test_no_cdn_only_attributes_are_left(offline_site):
    """Subresource integrity and crossorigin belong to the CDN copies; on file:// a crossorigin
    request is refused, so the page would lose jQuery and Bootstrap again."""
    for page in offline_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "integrity=" not in text and "crossorigin=" not in text, page


def test_every_shipped_asset_has_its_licence():
    folders = [folder for folder in data_docs.ASSETS.iterdir() if folder.is_dir()]
    assert {path.split("/")[0] for path in data_docs.CDN_ASSETS.values()} == {
        folder.name for folder in folders
    }
    for folder in folders:
        assert list(folder.glob("LICENSE*")), f"{folder.name} has no licence file"
    for path in data_docs.CDN_ASSETS.values():
        assert (data_docs.ASSETS / path).is_file(), path


@pytest.mark.build
def test_running_it_again_changes_nothing(offline_site, tmp_path):
    again = tmp_path / "again"
    shutil.copytree(offline_site, again)
    assert data_docs.make_offline(again) == []
    for page in offline_site.rglob("*.html"):
        assert (again / page.relative_to(offline_site)).read_text() == page.read_text()


@pytest.mark.build
def test_nps_build_writes_offline_data_docs(sample_build):
    assert missing_or_remote(site_of(sample_build)) == []
