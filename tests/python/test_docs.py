"""Documented: every source, model, column and macro of the project has a description, and every
model's description states its grain; every exposure says who owns it and which published marts it
reads; the docs site opens on the project overview and, as `make docs` writes it, from disk."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import PROJECT_DIR

# Every test here runs or reads a whole build (end to end); `make test-fast` leaves them out.
pytestmark = pytest.mark.build

PACKAGE = "nps_warehouse"


def test_every_model_and_column_is_described_with_its_grain(sample_build):
    manifest = sample_build.manifest
    models = [n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")]
    assert models
    problems = []
    for node in models:
        if not node["description"].strip():
            problems.append(f"{node['name']}: no description")
        elif node["resource_type"] == "model" and not re.search(
            r"One row( per|\.)", node["description"]
        ):
            problems.append(
                f"{node['name']}: description does not state its grain ('One row per …')"
            )
        for name, column in node["columns"].items():
            if not column["description"].strip():
                problems.append(f"{node['name']}.{name}: no description")
    assert not problems, "\n".join(problems)


def test_every_model_column_is_documented_in_yaml(sample_build):
    """Columns present in the built tables but missing from the YAML are undocumented too."""
    manifest = sample_build.manifest
    problems = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        schema, name = node["schema"], node["alias"]
        built = sample_build.query(
            "select column_name from information_schema.columns"
            f" where table_schema = '{schema}' and table_name = '{name}'"
        )["column_name"]
        missing = set(built) - set(node["columns"])
        if missing:
            problems.append(f"{name}: {sorted(missing)}")
    assert not problems, "\n".join(problems)


def test_every_source_and_macro_is_described(sample_build):
    manifest = sample_build.manifest
    problems = [
        f"source {s['source_name']}.{s['name']}"
        for s in manifest["sources"].values()
        if not s["description"].strip() or not s["source_description"].strip()
    ]
    problems += [
        f"macro {m['name']}"
        for m in manifest["macros"].values()
        if m["package_name"] == PACKAGE and not m["description"].strip()
    ]
    assert not problems, "\n".join(problems)


def test_every_exposure_has_an_owner_and_reads_published_marts(sample_build):
    manifest = sample_build.manifest
    exposures = manifest["exposures"].values()
    assert {e["name"] for e in exposures} >= {
        "customer_success_dashboard",
        "finance_revenue_at_risk_forecast",
        "nps_report",
    }
    problems = []
    for exposure in exposures:
        name = exposure["name"]
        if not exposure["description"].strip():
            problems.append(f"{name}: no description")
        owner = exposure["owner"]
        if not owner.get("name") or "@" not in (owner.get("email") or ""):
            problems.append(f"{name}: owner needs a name and an email")
        models = exposure["depends_on"]["nodes"]
        if not models:
            problems.append(f"{name}: depends on nothing")
        for unique_id in models:
            node = manifest["nodes"].get(unique_id) or manifest["metrics"].get(unique_id)
            if unique_id.startswith("model.") and node["schema"] != "marts":
                problems.append(f"{name}: reads {unique_id}, not a published mart")
    assert not problems, "\n".join(problems)


def test_docs_site_opens_on_the_project_overview(sample_build):
    overview = sample_build.manifest["docs"][f"doc.{PACKAGE}.__overview__"]
    assert overview["package_name"] == PACKAGE
    assert "Where to start" in overview["block_contents"]


class _Resources(HTMLParser):
    """The resources an HTML page loads by itself: script src, link href, img src (script bodies
    are not parsed, so URLs inside the JavaScript do not count)."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "img", "iframe") and attributes.get("src"):
            self.urls.append((tag, attributes["src"]))
        if tag == "link" and attributes.get("href") and attributes.get("rel") != "canonical":
            self.urls.append((tag, attributes["href"]))


def test_make_docs_static_site_is_one_self_contained_file(sample_build, tmp_path):
    """`make docs` runs `dbt docs generate --static`: one HTML file with the manifest and catalog
    inside, which a browser opens from disk. Nothing it needs is fetched from the network (no
    script or stylesheet from another host), and dbt's usage tracker, the one script the page
    could add from a CDN, stays off because the project turns anonymous usage stats off."""
    target = tmp_path / "target"
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "docs",
            "generate",
            "--static",
            "--profiles-dir",
            "profiles",
        ],
        check=False,
        cwd=PROJECT_DIR,
        env={**sample_build.env, "DBT_TARGET_PATH": str(target)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    page = (target / "static_index.html").read_text()
    resources = _Resources()
    resources.feed(page)
    remote = [(tag, url) for tag, url in resources.urls if re.match(r"(https?:)?//", url)]
    assert not remote, remote
    assert re.search(r'"send_anonymous_usage_stats": ?false', page)
    # the manifest and catalog are inlined: the overview and a mart are in the file itself
    assert "Where to start" in page and "mart_nps_monthly" in page
    assert json.loads((target / "manifest.json").read_text())["metadata"]["project_name"] == PACKAGE
    assert Path(target / "catalog.json").is_file()
