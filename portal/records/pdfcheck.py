"""What a PDF carries besides its pages: embedded files and active content. Pure (stdlib + pypdf).

Used twice: on every PDF the portal renders (it must hold record.json and nothing else, and no script),
and on every PDF someone asks the portal to verify. The whole object graph reachable from the trailer is
walked, so a file hidden in an annotation counts as much as one in the EmbeddedFiles name tree.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject, StreamObject

PDF_MAGIC = b"%PDF-"
ACTIVE_KEYS = frozenset({"/JavaScript", "/JS", "/AA", "/OpenAction", "/XFA", "/RichMedia"})
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute"})
MAX_OBJECTS = 200_000  # a decision record has a few hundred; far more is a file built to exhaust us


class PdfUnreadable(ValueError):
    """Not a PDF, or one that cannot be parsed."""


@dataclass
class PdfContents:
    embedded: dict[str, list[bytes]] = field(default_factory=dict)  # name -> contents (a name may repeat)
    active: set[str] = field(default_factory=set)  # the keys or action types that make the PDF run code
    xmp: bytes | None = None

    @property
    def embedded_names(self) -> list[str]:
        return sorted(self.embedded)

    def count(self) -> int:
        return sum(len(items) for items in self.embedded.values())


def inspect_pdf(content: bytes) -> PdfContents:
    if PDF_MAGIC not in content[:1024]:
        raise PdfUnreadable("the file is not a PDF")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are reported by us, not logged by pypdf
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        contents = PdfContents()
        _walk(reader.trailer, contents)
        metadata = reader.trailer["/Root"].get_object().get("/Metadata")
        contents.xmp = metadata.get_object().get_data() if metadata is not None else None
    except PdfUnreadable:
        raise
    except Exception as error:  # pypdf raises many types for damaged files
        raise PdfUnreadable(f"the PDF cannot be read ({type(error).__name__})") from error
    return contents


def _walk(start: PdfObject, contents: PdfContents) -> None:
    stack: list[PdfObject] = [start]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise PdfUnreadable("the PDF has too many objects to inspect")
        if isinstance(item, DictionaryObject):  # streams are dictionaries too
            _note(item, contents)
            stack.extend(value for name, value in item.items() if name != "/Parent")
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _note(dictionary: DictionaryObject, contents: PdfContents) -> None:
    contents.active.update(ACTIVE_KEYS.intersection(dictionary.keys()))
    action = dictionary.get("/S")
    if isinstance(action, str) and action in ACTIVE_ACTIONS:
        contents.active.add(str(action))
    if dictionary.get("/Type") == "/Filespec" or "/EF" in dictionary:
        files = dictionary.get("/EF")
        files = files.get_object() if files is not None else None
        if isinstance(files, DictionaryObject) and not isinstance(dictionary, StreamObject):
            name = str(dictionary.get("/UF") or dictionary.get("/F") or "(unnamed)")
            # /F and /UF may name the same stream: count each stream once.
            streams = {(s.idnum, s.generation) if isinstance(s, IndirectObject) else id(s): s for s in files.values()}
            for stream in streams.values():
                contents.embedded.setdefault(name, []).append(stream.get_object().get_data())
