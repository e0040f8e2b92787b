"""The one URL fetcher every WeasyPrint object gets: bundled assets by fixed name, nothing else.

WeasyPrint fetches whatever a document names (file:, http:, data:, <link rel=attachment>), and the fetcher
is the only filter (security-test-plan.md §2.1). This one knows a fixed table of names; any other URL,
including a redirect (there are none: nothing goes to the network), a relative path trying to escape, or
a data: URL, is refused and remembered so that the caller can log it. A page rendered by page_html_to_pdf may
also name the SVG images its caller handed over with it (the report's charts), for that render only.
"""

from __future__ import annotations

from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSET_DIR = Path(__file__).resolve().parent / "assets"
SCHEME = "asset:"
# name -> (file in ASSET_DIR, media type). Fonts come from fontconfig, so none are listed yet; a bundled
# font would be added here and named in record.css as url("asset:<name>").
ASSETS: dict[str, tuple[str, str]] = {
    "record.css": ("record.css", "text/css"),
}
STYLESHEET_URL = f"{SCHEME}record.css"


class AssetRefused(ValueError):
    """A URL that is not one of the bundled assets."""


class AssetFetcher(URLFetcher):
    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=("asset",), allow_redirects=False, fail_on_errors=False)
        self.refused: list[str] = []
        self.images: dict[str, bytes] = {}  # SVG images of the page being rendered (page_html_to_pdf), by name


    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        name = url[len(SCHEME) :] if url.startswith(SCHEME) else None
        if name is not None and name in self.images:
            return URLFetcherResponse(url, self.images[name], {"Content-Type": "image/svg+xml"}, status=200)
        if name not in ASSETS:
            self.refused.append(url[:200])
            raise AssetRefused(f"refused to fetch {url[:200]!r}: only bundled assets are served")
        filename, media_type = ASSETS[name]
        body = (ASSET_DIR / filename).read_bytes()
        return URLFetcherResponse(url, body, {"Content-Type": media_type}, status=200)
