"""Documented: every source, model, column and macro of the project has a description, and every
model's description states its grain; every shared column uses its doc block; every exposure says
who owns it and which published marts it reads; the docs site opens on the project overview and,
as `make docs` writes it, from disk. The README guides: two commands first, short, every mart in
its table with a link to its definition; every relative link in the README and docs/ resolves; no
issue number or machine-local path in what users receive."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT_DIR, dbt_run, shared_parse

# Every test here runs or reads a whole build (end to end); `make test-fast` leaves them out.
pytestmark = pytest.mark.build

PACKAGE = "nps_warehouse"
README = PROJECT_DIR / "README.md"
# The pages a user reads: every relative link in them must resolve.
USER_PAGES = [README, PROJECT_DIR / "DECISIONS.md", *sorted((PROJECT_DIR / "docs").rglob("*.md"))]


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
    with shared_parse({**sample_build.env, "DBT_TARGET_PATH": str(target)}) as env:
        completed = dbt_run("docs", "generate", "--static", env=env)
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


# --- the README and the docs pages: static checks, no build needed ------------------------------

_FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _links(text: str) -> list[str]:
    """Markdown link targets outside fenced code blocks and inline code."""
    prose = re.sub(r"`[^`\n]*`", "", _FENCE.sub("", text))
    return _LINK.findall(prose)


def _anchors(page: Path) -> set[str]:
    """GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces to hyphens."""
    text = _FENCE.sub("", page.read_text())
    headings = re.findall(r"^#{1,6} +(.+?) *$", text, re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_readme_is_short():
    lines = README.read_text().splitlines()
    assert len(lines) <= 260, f"README.md has {len(lines)} lines; move detail to a page in docs/"


def test_readme_first_block_is_the_two_commands():
    first_block = re.search(
        r"^```[a-z]*\n(.*?)^```", README.read_text(), re.DOTALL | re.MULTILINE
    ).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make build", "make test"]


def test_every_mart_is_in_the_readme_table_with_a_link_to_its_definition():
    """A reader goes from the README to any mart's definition in one link: each model under
    models/marts has a row in a README table, named in its first cell, linking to its .sql file."""
    rows = {}
    for line in README.read_text().splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 2:
            for name in re.findall(r"`(\w+)`", cells[1]):
                rows[name] = line
    problems = []
    for sql in sorted((PROJECT_DIR / "models" / "marts").rglob("*.sql")):
        row = rows.get(sql.stem)
        if row is None:
            problems.append(f"{sql.stem}: no row in the README's tables")
            continue
        targets = [(PROJECT_DIR / link.split("#")[0]).resolve() for link in _links(row)]
        if sql.resolve() not in targets:
            problems.append(f"{sql.stem}: its row does not link to {sql.relative_to(PROJECT_DIR)}")
    assert not problems, "\n".join(problems)


def test_every_relative_link_in_the_readme_and_docs_resolves():
    problems = []
    for page in USER_PAGES:
        for link in _links(page.read_text()):
            if re.match(r"[a-z]+:", link):  # https:, mailto:
                continue
            path, _, anchor = link.partition("#")
            target = (page.parent / path).resolve() if path else page
            where = f"{page.relative_to(PROJECT_DIR)}: {link}"
            if not target.exists():
                problems.append(f"{where}: no such file")
            elif not target.is_relative_to(PROJECT_DIR):
                problems.append(f"{where}: outside the repository")
            elif anchor and target.suffix == ".md" and anchor not in _anchors(target):
                problems.append(f"{where}: no such heading")
    assert not problems, "\n".join(problems)


# What users receive: the README, the docs, the decisions, the seeds and everything dbt renders.
def _user_files() -> list[Path]:
    files = [README, PROJECT_DIR / "DECISIONS.md"]
    files += sorted((PROJECT_DIR / "docs").rglob("*.md"))
    for folder in ("models", "macros", "seeds", "snapshots"):
        for pattern in ("*.yml", "*.md", "*.csv", "*.sql"):
            files += sorted((PROJECT_DIR / folder).rglob(pattern))
    return files


_NOT_FOR_USERS = {
    "an issue number": re.compile(r"\bissue #?\d+|(?<![\w&/])#\d+\b", re.IGNORECASE),
    "a machine-local path": re.compile(r"/work/|/home/|\.\./shared|\b[0-9a-f]{16}\.txt\b"),
}


def test_no_issue_number_or_machine_path_in_what_users_receive():
    problems = []
    for path in _user_files():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for what, pattern in _NOT_FOR_USERS.items():
                if pattern.search(line):
                    problems.append(
                        f"{path.relative_to(PROJECT_DIR)}:{number}: {what}: {line[:120]}"
                    )
    assert not problems, "\n".join(problems)


# Column names that mean different things in different models, so no one block fits them.
_HOMONYMS = {"contacts", "reason"}
# The NPS columns and the block each must use.
_NPS_BLOCKS = {
    name: f"col_{name}"
    for name in (
        "nps", "nps_moe_95", "nps_category", "promoters", "passives", "detractors", "responses",
        "score", "survey_type", "respondent_role",
    )
}  # fmt: skip


def _documented_columns():
    """(file, model, column, description) for every column of every model, snapshot and seed,
    except the raw landing views (base_* without _validated), whose columns are landing text."""
    for path in sorted([*PROJECT_DIR.glob("models/**/*.yml"), *PROJECT_DIR.glob("seeds/*.yml"),
                        *PROJECT_DIR.glob("snapshots/*.yml")]):  # fmt: skip
        spec = yaml.safe_load(path.read_text()) or {}
        for node in [*spec.get("models", []), *spec.get("snapshots", []), *spec.get("seeds", [])]:
            if re.fullmatch(r"base_.*(?<!_validated)", node["name"]):
                continue
            for column in node.get("columns") or []:
                yield path, node["name"], column["name"], str(column.get("description") or "")


def test_shared_columns_use_their_doc_block():
    """A column that appears in several models is described once, in a doc block of models/docs.md,
    and every model uses it (a note on what narrows it here may follow), not a re-worded copy."""
    blocks = set(
        re.findall(r"{%\s*docs\s+(\w+)\s*%}", (PROJECT_DIR / "models" / "docs.md").read_text())
    )
    columns = list(_documented_columns())
    models_per_name: dict[str, set[str]] = {}
    for _, model, name, _ in columns:
        models_per_name.setdefault(name, set()).add(model)
    problems = []
    for path, model, name, description in columns:
        used = re.match(r"""\{\{\s*doc\(\s*["'](\w+)["']\s*\)\s*\}\}""", description.strip())
        where = f"{path.relative_to(PROJECT_DIR)}: {model}.{name}"
        if used and used.group(1) not in blocks:
            problems.append(f"{where}: no doc block {used.group(1)}")
        elif name in _NPS_BLOCKS and (not used or used.group(1) != _NPS_BLOCKS[name]):
            problems.append(f"{where}: use {{{{ doc('{_NPS_BLOCKS[name]}') }}}}")
        elif len(models_per_name[name]) > 1 and name not in _HOMONYMS and not used:
            problems.append(
                f"{where}: shared by {len(models_per_name[name])} models; use a doc block"
            )
    assert not problems, "\n".join(problems)
