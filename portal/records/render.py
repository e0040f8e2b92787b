"""Signed envelope in, PDF/A-3b bytes out: HTML here, WeasyPrint in a limited child, checks after.

pdf = render_pdf(envelope)                  # RenderError (RenderTimeout, RenderFailed, RenderUnavailable)
write_pdf(path, pdf)                        # FileWriteError (DiskFullError): nothing partial is left
pdf = render_page_pdf(html, name, images)  # another page (the governance report): same child, no attachment
reason = rendering_unavailable_reason()     # None when PDFs can be rendered on this machine
reason = missing_font_reason(text)          # None unless `text` has CJK characters and no font here covers them
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from portal.audit.canonical import canonical_json
from portal.records.document import record_html
from portal.records.files import write_atomically
from portal.records.pdfcheck import PdfUnreadable, inspect_pdf
from portal.records.sandbox import Limits, RenderError, RenderFailed, RenderUnavailable, run_limited
from portal.records.shape import check_shape
from portal.records.signing import envelope_problems

log = logging.getLogger("portal.records")
ATTACHMENT_NAME = "record.json"
PDF_MODE = 0o640
CJK_FONT_PACKAGE = "fonts-noto-cjk"
# Han ideographs (with extensions A and B onward, and compatibility ideographs), CJK punctuation, kana, Hangul and
# full-width forms: characters DejaVu has no glyph for, which a PDF would otherwise print as empty boxes.
_CJK = re.compile("[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u30ff\u3130-\u318f\u3190-\u31ff\u3400-\u4dbf"
                  "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]")


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    peak_rss_kb: int  # the render process's peak resident memory


def envelope_json(envelope: dict[str, Any]) -> bytes:
    """The bytes embedded as record.json: canonical JSON, so the same envelope always gives the same file."""
    return canonical_json(envelope).encode("utf-8")


def render_pdf(envelope: dict[str, Any], *, limits: Limits | None = None) -> bytes:
    return render_measured(envelope, limits=limits).pdf


def render_measured(envelope: dict[str, Any], *, limits: Limits | None = None) -> RenderedPdf:
    problems = envelope_problems(envelope)
    if problems:
        raise RenderFailed("The envelope cannot be rendered: " + "; ".join(problems) + ".")
    check_shape(envelope["record"])
    attachment = envelope_json(envelope)
    record_id = envelope["record"]["record_id"]
    html = record_html(envelope)
    _require_fonts_for(html)
    result = run_limited(
        "portal.records.engine:html_to_pdf",
        (html, attachment, envelope["record"]["generated_at"]),
        limits or Limits(),
    )
    pdf, refused = result.value
    for url in refused:
        log.warning("record %s: the PDF renderer refused to fetch %s", record_id, url)
    check_rendered(pdf, attachment)
    return RenderedPdf(pdf, result.peak_rss_kb)


def check_rendered(pdf: bytes, attachment: bytes) -> None:
    """The PDF must carry exactly our record.json and no active content (security-test-plan.md §2.1)."""
    try:
        contents = inspect_pdf(pdf)
    except PdfUnreadable as error:
        raise RenderFailed(f"The rendered PDF cannot be read back ({error}). Nothing was written.") from error
    if contents.active:
        raise RenderFailed(f"The rendered PDF contains active content ({', '.join(sorted(contents.active))}).")
    if contents.embedded != {ATTACHMENT_NAME: [attachment]}:
        names = ", ".join(contents.embedded_names) or "none"
        raise RenderFailed(f"The rendered PDF embeds unexpected files ({names}); only record.json is allowed.")


def render_page_pdf(html: str, name: str, images: dict[str, bytes], *, limits: Limits | None = None) -> bytes:
    """An HTML page (autoescaped by its caller's template) as a PDF, rendered like a record: in a limited child,
    through the asset-only fetcher, which also serves `images` (SVG, by asset:<name>) for this render; it must
    come back with no active content and no embedded file."""
    _require_fonts_for(html)
    job = ("portal.records.engine:page_html_to_pdf", (html, images), limits or Limits())
    pdf, refused = run_limited(*job).value
    for url in refused:
        log.warning("%s: the PDF renderer refused to fetch %s", name, url)
    try:
        contents = inspect_pdf(pdf)
    except PdfUnreadable as error:
        raise RenderFailed(f"The rendered PDF cannot be read back ({error}).") from error
    if contents.active or contents.embedded:
        raise RenderFailed("The rendered PDF contains active content or embedded files.")
    return pdf


def write_pdf(path: str | os.PathLike[str], pdf: bytes) -> Path:
    """Atomically: temp file, fsync, rename, fsync the directory."""
    return write_atomically(path, pdf, mode=PDF_MODE)


@cache
def rendering_unavailable_reason() -> str | None:
    """None when a render process can load WeasyPrint; otherwise the reason, for pages to show."""
    try:
        run_limited("portal.records.engine:probe", (), Limits(seconds=60))
    except RenderUnavailable as error:
        return str(error)
    except RenderError as error:
        return f"PDF rendering is unavailable: {error}"
    return None


def missing_font_reason(text: str) -> str | None:
    """None unless `text` has Chinese, Japanese or Korean characters and fontconfig knows no font for Chinese.

    WeasyPrint does not fail on a character no font covers: it draws an empty box in its place, and the record
    would look complete to everything but a reader's eyes. Rendering such a text is refused instead, with this
    reason (naming the package to install), which the record and report pages show.
    """
    if not _CJK.search(text):
        return None
    fonts = _chinese_fonts()
    if fonts is None:
        return (f"This text has Chinese, Japanese or Korean characters, and whether a font for them is installed "
                f"cannot be checked: fc-list (Debian package fontconfig) is missing. Install fontconfig and "
                f"{CJK_FONT_PACKAGE}, then restart the portal.")
    if not fonts:
        return (f"This text has Chinese, Japanese or Korean characters, but no font for them is installed "
                f"(`fc-list :lang=zh` lists none), so the PDF would show empty boxes. Install Debian's "
                f"{CJK_FONT_PACKAGE} (.ci/run does), then restart the portal.")
    return None


@cache
def _chinese_fonts() -> tuple[str, ...] | None:
    """The font families fontconfig lists for Chinese (the render processes use the same fontconfig), or None
    without fc-list. Once per process: fonts installed later need a restart, as the render processes load fonts
    when their forkserver starts."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    done = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30,  # noqa: S603
                          check=False)  # a fixed argv
    return tuple(sorted({line.strip() for line in done.stdout.splitlines() if line.strip()}))


def _require_fonts_for(html: str) -> None:
    reason = missing_font_reason(html)
    if reason:
        raise RenderUnavailable(reason)
