"""Ways to spoil a rendered record, as someone editing the file would."""

from __future__ import annotations

import io
import json
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject, TextStringObject

from portal.records.render import envelope_json


def _writer(pdf: bytes) -> PdfWriter:
    return PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def replace_record_json(pdf: bytes, data: bytes) -> bytes:
    """The same PDF with other bytes in its embedded record.json stream."""
    writer = _writer(pdf)
    streams = [o for o in writer._objects if isinstance(o, StreamObject) and o.get("/Type") == "/EmbeddedFile"]
    assert len(streams) == 1
    streams[0].set_data(data)
    return _bytes(writer)


def replace_envelope(pdf: bytes, envelope: dict[str, Any]) -> bytes:
    return replace_record_json(pdf, envelope_json(envelope))


def change_one_byte(pdf: bytes, old: bytes, new: bytes) -> bytes:
    [data] = PdfReader(io.BytesIO(pdf)).attachments["record.json"]
    assert len(old) == len(new) == 1 and old in data
    index = data.index(b"Northbridge University")  # a byte inside the record, not its envelope
    changed = data[:index] + data[index:].replace(old, new, 1)
    json.loads(changed)  # still JSON: only the content differs
    return replace_record_json(pdf, changed)


def with_javascript(pdf: bytes) -> bytes:
    writer = _writer(pdf)
    action = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('This record runs a script.');"),
        }
    )
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _bytes(writer)


def with_extra_attachment(pdf: bytes) -> bytes:
    writer = _writer(pdf)
    writer.add_attachment("passwd.txt", b"root:x:0:0")
    return _bytes(writer)
