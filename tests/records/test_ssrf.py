"""Record text cannot make the renderer fetch anything (security-test-plan.md checks 9 and 11).

Every text field of a record carries the SSRF/LFI corpus: the PDF still renders, a listener on
loopback gets no request, no local file's text appears, nothing but record.json is embedded, and the
corpus is printed literally. Underneath, the fetcher itself refuses every such URL and says so.
"""

from __future__ import annotations

import http.server
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from portal.records import render
from portal.records.engine import ATTACHMENT_NAME
from portal.records.pdfcheck import inspect_pdf
from portal.records.sandbox import Limits, run_limited
from portal.records.signing import sign_record
from tests.records.conftest import flat, pdf_text
from tests.records.sample_record import sample_record

CANARY = "CANARY-7f3e91-LOCAL-FILE"
NOT_TEXT = {"record_format", "generated_at", "signed_at", "due_on", "filed_on", "destroy_not_before", "content_sha256",
            "trigger", "date"}


class Sink(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        Sink.hits.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/hostname")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { background: red }")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def sink() -> Iterator[str]:
    Sink.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def canary_file(tmp_path) -> str:  # noqa: ANN001
    path = tmp_path / "secret.txt"
    path.write_text(CANARY)
    return f"file://{path}"


def corpus(base: str, canary_url: str) -> list[str]:
    return [
        f'<img src="{canary_url}">',
        '<img src="file:///etc/hostname">',
        "<link rel=attachment href=file:///etc/passwd>",
        f'<link rel="attachment" href="{canary_url}">',
        f"<style>@import url({base}/import.css); p {{ background: url({base}/css-url.png) }}</style>",
        f"<div style=\"background: url('{base}/inline.png')\">x</div>",
        f'<img src="{base}/redirect">',
        f'<object data="{base}/object"></object><iframe src="{canary_url}"></iframe>',
        '<img src="data:image/svg+xml;base64,PHN2Zy8+">',
        '<a href="file:///etc/passwd" rel="attachment">passwd</a>',
    ]


def _poison(value: Any, payload: str, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _poison(v, payload, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(item, payload, key) for item in value]
    if isinstance(value, str) and key not in NOT_TEXT:
        return f"{value} {payload}"
    return value


def test_the_corpus_in_every_text_field_fetches_nothing_and_prints_literally(
    renderer, pdftotext, private_key, sink, canary_file
):
    payloads = corpus(sink, canary_file)
    record = _poison(sample_record(), " ".join(payloads))
    pdf = render.render_pdf(sign_record(record, private_key))
    assert Sink.hits == []
    contents = inspect_pdf(pdf)
    assert contents.embedded_names == [ATTACHMENT_NAME] and contents.count() == 1
    assert contents.active == set()
    text = flat(pdf_text(pdftotext, pdf))
    assert CANARY not in text and "root:x:0:0" not in text
    for payload in payloads:
        assert flat(payload) in text


def test_the_fetcher_refuses_every_url_but_the_bundled_stylesheet(renderer, sink, canary_file):
    html = "<html><head>{}</head><body><p>Body</p>{}</body></html>".format(
        "".join(corpus(sink, canary_file)[2:5]), "".join(corpus(sink, canary_file))
    )
    html += '<img src="asset:../fetcher.py"><img src="asset:record.css/../../keys.py"><img src="asset:/etc/passwd">'
    html += '<img src="relative/../../etc/passwd">'
    job = ("portal.records.engine:html_to_pdf", (html, b"{}", "2026-11-30T15:00:00Z"))
    pdf, refused = run_limited(*job, Limits()).value
    assert Sink.hits == []
    assert {
        "file:///etc/hostname",
        "file:///etc/passwd",
        canary_file,
        f"{sink}/import.css",
        f"{sink}/css-url.png",
        f"{sink}/inline.png",
        f"{sink}/redirect",
        "asset:../fetcher.py",
        "asset:/etc/passwd",
    } <= set(refused)
    assert any(url.startswith("data:") for url in refused)
    assert inspect_pdf(pdf).embedded_names == [ATTACHMENT_NAME]


def test_refusals_are_logged_by_the_portal(renderer, envelope, sink, caplog, monkeypatch):
    """Were a template ever to emit markup from a record, the fetcher still refuses, and says so in the log."""
    markup = f'<p>x</p><img src="{sink}/leak"><img src="file:///etc/passwd">'
    monkeypatch.setattr(render, "record_html", lambda _envelope: markup)
    caplog.set_level(logging.WARNING, logger="portal.records")
    render.render_pdf(envelope)
    assert Sink.hits == []
    assert f"the PDF renderer refused to fetch {sink}/leak" in caplog.text
    assert "the PDF renderer refused to fetch file:///etc/passwd" in caplog.text


INJECTIONS = [
    "{{ 7*7 }}",
    "{{ config }}",
    "{% raw %}raw{% endraw %}",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "${7*7} #{7*7} <%= 7*7 %>",
]


def test_template_and_script_injection_prints_literally(renderer, pdftotext, private_key):
    record = sample_record()
    record["proposal"]["title"] = " ".join(INJECTIONS)
    record["rationale"] = INJECTIONS[0]
    record["signatures"][1]["printed_name"] = INJECTIONS[1]
    text = flat(pdf_text(pdftotext, render.render_pdf(sign_record(record, private_key))))
    for injection in INJECTIONS:
        assert injection in text
    assert "SECRET_KEY" not in text and "<Config" not in text


def test_a_page_render_serves_only_the_images_handed_over_and_they_fetch_nothing(renderer, sink, canary_file):
    """page_html_to_pdf (the governance report): the fetcher serves the SVG handed over with the page, by name,
    and still refuses every other URL, including one an SVG image names inside itself."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">'
           f'<rect width="40" height="20" fill="#123456"/><image href="{canary_file}" width="5" height="5"/>'
           f'<image xlink:href="{sink}/svg-inner.png" width="5" height="5"/></svg>').encode()
    html = ('<html><body><p>Report</p><img src="asset:chart-ok.svg" alt="handed over">'
            '<img src="asset:chart-other.svg" alt="not handed over">'
            + "".join(corpus(sink, canary_file)) + "</body></html>")
    pdf, refused = run_limited("portal.records.engine:page_html_to_pdf", (html, {"chart-ok.svg": svg}), Limits()).value
    assert Sink.hits == []
    assert "asset:chart-ok.svg" not in refused
    assert {"asset:chart-other.svg", canary_file, f"{sink}/svg-inner.png", "file:///etc/passwd"} <= set(refused)
    contents = inspect_pdf(pdf)
    assert contents.embedded_names == [] and contents.active == set()
