"""Inside a render process: HTML and the envelope's bytes in, PDF/A-3b bytes out.

Imported by the render processes only (the forkserver preloads it through prefork.py, so each render
starts warm), never by the web worker: WeasyPrint and its system libraries are loaded here. If they are
missing, importing this module still works and every render reports why instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

try:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from portal.records.fetcher import STYLESHEET_URL, AssetFetcher
except (ImportError, OSError) as error:  # OSError: WeasyPrint found but Pango or HarfBuzz not installed
    weasyprint = None
    UNAVAILABLE: str | None = f"PDF rendering is unavailable: WeasyPrint cannot be loaded ({error})."
else:
    UNAVAILABLE = None

ATTACHMENT_NAME = "record.json"
_state: dict[str, Any] = {}


class RenderingUnavailable(RuntimeError):
    pass


def probe() -> str:
    """WeasyPrint's version, or RenderingUnavailable saying why there is none."""
    if weasyprint is None:
        raise RenderingUnavailable(UNAVAILABLE)
    _shared()
    return weasyprint.__version__


def html_to_pdf(html: str, envelope_json: bytes, generated_at: str) -> tuple[bytes, list[str]]:
    """The PDF, and the URLs the document asked for that were refused."""
    if weasyprint is None:
        raise RenderingUnavailable(UNAVAILABLE)
    fetcher, fonts, stylesheet = _shared()
    fetcher.refused.clear()
    document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(stylesheets=[stylesheet], font_config=fonts)
    moment = _moment(generated_at)
    attachment = weasyprint.Attachment(
        string=envelope_json,
        url_fetcher=fetcher,
        name=ATTACHMENT_NAME,
        description="The signed decision record (envelope with record, fingerprint, signature and key id)",
        relationship="Data",
        created=moment,
        modified=moment,
    )
    pdf = document.write_pdf(pdf_variant="pdf/a-3b", attachments=[attachment], font_config=fonts)
    return pdf, list(fetcher.refused)


def page_html_to_pdf(html: str, images: dict[str, bytes]) -> tuple[bytes, list[str]]:
    """A plain PDF of an HTML page (a report), with the same fetcher, fonts and stylesheet, and no attachment.
    `images` are SVG files the page names as asset:<name> (its charts), served by the fetcher for this render only."""
    if weasyprint is None:
        raise RenderingUnavailable(UNAVAILABLE)
    fetcher, fonts, stylesheet = _shared()
    fetcher.refused.clear()
    fetcher.images = dict(images)
    try:
        document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(stylesheets=[stylesheet],
                                                                            font_config=fonts)
        return document.write_pdf(font_config=fonts), list(fetcher.refused)
    finally:
        fetcher.images = {}


def _shared() -> tuple[Any, Any, Any]:
    """One fetcher, font configuration and parsed stylesheet per process (performance-anchors.md B5)."""
    if not _state:
        fetcher = AssetFetcher()
        fonts = FontConfiguration()
        stylesheet = weasyprint.CSS(url=STYLESHEET_URL, url_fetcher=fetcher, font_config=fonts)
        _state.update(fetcher=fetcher, fonts=fonts, stylesheet=stylesheet)
    return _state["fetcher"], _state["fonts"], _state["stylesheet"]


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return datetime.now(UTC)


def warm_up() -> None:
    """Render a small record-like page once, so that fonts, shaping and layout caches are filled here.

    Each render runs in a fresh child forked from the process that imported this module (the forkserver):
    without this every render would pay WeasyPrint's cold-start cost again (performance-anchors.md §1).
    """
    html = (
        "<h1>Decision record</h1><h2>Warm-up</h2><table><thead><tr><th>Name</th><th>Value</th></tr></thead>"
        '<tbody><tr><td><strong>Bold</strong> regular <span class="mono small">sha256:0123abcdef</span></td>'
        "<td class=\"prose\">Plain text.</td></tr></tbody></table><p class=\"statement\">Statement</p>"
    )
    html_to_pdf(html, b"{}", "2026-01-01T00:00:00Z")
