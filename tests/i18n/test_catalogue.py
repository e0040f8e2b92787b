"""Acceptance 3 (issue 9), the catalogue half: every message marked in the sources is in the catalogue and has a
Simplified Chinese translation that is neither empty nor fuzzy; the compiled .mo says what the .po says."""

from __future__ import annotations

from babel.messages.mofile import read_mo

from tests.i18n.catalogue import MO, PO, POT, extracted, read


def test_the_template_holds_exactly_what_the_sources_mark() -> None:
    in_sources = set(extracted())
    in_template = {m.id if isinstance(m.id, str) else m.id[0] for m in read(POT) if m.id}
    assert in_sources - in_template == set(), "run `make messages`: these marked strings are not in messages.pot"
    assert in_template - in_sources == set(), "run `make messages`: messages.pot holds strings no source marks"


def test_every_marked_message_has_a_chinese_translation() -> None:
    catalog = read(PO)
    untranslated = []
    for msgid, files in sorted(extracted().items()):
        message = next((m for m in catalog if m.id and (m.id if isinstance(m.id, str) else m.id[0]) == msgid), None)
        strings = [] if message is None else ([message.string] if isinstance(message.string, str)
                                               else list(message.string))
        if message is None or message.fuzzy or not all(s.strip() for s in strings) or not strings:
            untranslated.append(f"{msgid!r} ({', '.join(sorted(files))})")
    assert untranslated == [], "no zh_CN translation (or a fuzzy one) for:\n" + "\n".join(untranslated)


def test_placeholders_survive_translation() -> None:
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|<[^>]+>")
    for message in read(PO):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[1]
        translated = message.string if isinstance(message.string, str) else message.string[0]
        assert sorted(placeholder.findall(source)) == sorted(placeholder.findall(translated)), message.id


def test_the_compiled_catalogue_matches_the_po() -> None:
    with MO.open("rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    written = {_key(m.id): _key(m.string) for m in read(PO) if m.id and not m.fuzzy}
    assert compiled == written, "the .mo is older than the .po: `make` compiles it again"


def _key(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value
