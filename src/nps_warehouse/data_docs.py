"""Great Expectations Data Docs that open offline, styled and with their index filled.

GX renders its pages with `<script>` and `<link>` tags pointing at public CDNs (jQuery, Bootstrap,
bootstrap-table, Font Awesome, vega, ...). Offline the pages open unstyled and the index's table,
which bootstrap-table fills from data inside the page, stays empty. `make_offline` runs after GX
has rendered the site: it copies the same files, shipped in `assets/data_docs/` with their
licences, into `<site>/static/vendor/` and points every known CDN URL at them (relative links, so
the site still opens from disk and can be moved). It returns the remote URLs it did not know, so
a GX upgrade that adds one is noticed rather than silently fetched.
"""

from __future__ import annotations

import re
import shutil
from os.path import relpath
from pathlib import Path
from urllib.parse import unquote, urlparse

ASSETS = Path(__file__).resolve().parent / "assets" / "data_docs"
VENDOR = Path("static") / "vendor"

# Every CDN URL GX 1.24's pages load, and the shipped file (under assets/data_docs/) that replaces it.
CDN_ASSETS = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper.js-1.12.9/popper.min.js"
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap-4.3.1/bootstrap.min.js"
    ),
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "bootstrap-4.3.1/bootstrap.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
        "bootstrap-datepicker-1.9.0/bootstrap-datepicker.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
        "bootstrap-datepicker-1.9.0/bootstrap-datepicker.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "bootstrap-table-1.19.1/bootstrap-table.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "bootstrap-table-1.19.1/bootstrap-table.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": (
        "bootstrap-table-1.19.1/bootstrap-table-filter-control.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": (
        "bootstrap-table-1.19.1/bootstrap-table-filter-control.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": (
        "bootstrap-table-1.19.1/bootstrap-table-filter-control.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "fontawesome-free-6.6.0/css/all.min.css"
    ),
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": (
        "bootstrap-dark-1.1.0/bootstrap-prefers-dark.min.css"
    ),
    "https://cdn.jsdelivr.net/npm/vega@5": "vega-5.33.1/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite-5.23.0/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed-6.29.0/vega-embed.min.js",
}

# GX's logo comes from a public bucket, with the build time and the context's id in the query
# string; the site ships the same logo under static/images/. The dark-mode stylesheet's logo too.
GX_WEB_ASSETS = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
GX_IMAGES = {
    "logo-long.png": "static/images/logo-long.png",
    "full_logo_dark.png": "static/images/logo-long-vector.svg",
}

_TAG = re.compile(r"<(?:script|link|img)\b[^>]*>", re.IGNORECASE)
_URL_ATTRIBUTE = re.compile(r"""\b(src|href)\s*=\s*(["'])([^"']*)\2""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\((["']?)(https?://[^"')]+)\1\)""", re.IGNORECASE)
# Subresource integrity and CORS mode belong to the CDN copy; on file:// a crossorigin request
# is refused, so they go with the URL.
_CDN_ONLY_ATTRIBUTES = re.compile(
    r"""\s+(?:integrity|crossorigin)(?:\s*=\s*(["'])[^"']*\1)?""", re.IGNORECASE
)
_REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)


def local_path(url: str) -> str | None:
    """Where a remote URL of GX's pages lives in the site (relative to the site folder), or None
    for a URL this module does not know."""
    if url in CDN_ASSETS:
        return f"{VENDOR.as_posix()}/{CDN_ASSETS[url]}"
    if url.startswith(GX_WEB_ASSETS):
        return GX_IMAGES.get(urlparse(url).path.rsplit("/", 1)[-1])
    return None


def local_site_dirs(context) -> list[Path]:
    """The folders of a GX context's local (file://) Data Docs sites."""
    folders = []
    for site in context.get_docs_sites_urls():
        url = urlparse(site.get("site_url") or "")
        if url.scheme == "file":
            folders.append(Path(unquote(url.path)).parent)
    return folders


def make_offline(site_or_context) -> list[str]:
    """Makes rendered Data Docs work without a network; returns the remote URLs left (none with
    the GX version pinned in constraints.txt).

    Takes the site folder (the one holding index.html) or a GX context, whose local sites are
    all handled. Safe to run again on a site already made offline.
    """
    if isinstance(site_or_context, (str, Path)):
        sites = [Path(site_or_context)]
    else:
        sites = local_site_dirs(site_or_context)
    left: set[str] = set()
    for site in sites:
        if not (site / "index.html").is_file():
            continue
        shutil.copytree(ASSETS, site / VENDOR, dirs_exist_ok=True)
        for page in site.rglob("*.html"):
            left |= _rewrite(page, site, page.parent)
        for stylesheet in (site / "static" / "styles").glob("*.css"):
            left |= _rewrite(stylesheet, site, stylesheet.parent)
    return sorted(left)


def _rewrite(path: Path, site: Path, base: Path) -> set[str]:
    """Points the known remote URLs of one page or stylesheet (tags, and CSS url()s) at the
    site's own files, relative to ``base``; returns the remote URLs left."""
    to_site = Path(relpath(site, base)).as_posix()
    left: set[str] = set()

    def local(url: str) -> str | None:
        found = local_path(url)
        if found is None and _REMOTE.match(url):
            left.add(url)
        elif found is None and "static/" in url and not (base / url).exists():
            # GX links the favicon of deeply nested pages one folder too high; the site's own
            # static/ folder has it.
            found = "static/" + url.split("static/", 1)[1]
            found = found if (site / found).exists() else None
        return None if found is None else f"{to_site}/{found}"

    def rewrite_tag(match: re.Match) -> str:
        tag = match.group(0)
        attribute = _URL_ATTRIBUTE.search(tag)
        replacement = local(attribute.group(3)) if attribute else None
        if replacement is None:
            return tag
        quote = attribute.group(2)
        tag = tag.replace(attribute.group(0), f"{attribute.group(1)}={quote}{replacement}{quote}")
        return _CDN_ONLY_ATTRIBUTES.sub("", tag)

    def rewrite_css_url(match: re.Match) -> str:
        replacement = local(match.group(2))
        return match.group(0) if replacement is None else f"url('{replacement}')"

    text = path.read_text(encoding="utf-8")
    rewritten = _CSS_URL.sub(rewrite_css_url, text)
    if path.suffix == ".html":
        rewritten = _TAG.sub(rewrite_tag, rewritten)
    if rewritten != text:
        path.write_text(rewritten, encoding="utf-8")
    return left
