"""Bulk export: a ZIP of signed PDFs that all verify, and an index.csv a spreadsheet cannot run."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.records import bulk, signing
from portal.records.bulk import BulkExportError, export_zip
from portal.records.index import FORMULA_STARTS, neutralise
from portal.records.verify import verify_pdf
from tests.records.sample_record import sample_record


def _items(count: int) -> list[tuple[str, dict]]:
    records = [sample_record(100 + n) for n in range(count)]
    return [(record["record_id"], record) for record in records]


def test_two_processes_export_pdfs_that_all_verify_and_a_safe_index(renderer, private_key, tmp_path):
    items = _items(5)
    items[1][1]["proposal"]["title"] = '=HYPERLINK("http://127.0.0.1/x","click")'
    items[2][1]["signatures"][0]["printed_name"] = "@SUM(1+1)"
    items[3][1]["outcome"]["title"] = "+cmd|' /C calc'!A0"
    items[4][1]["committee"]["name"] = "-2+3"
    seen = []
    path = export_zip(items, tmp_path / "export" / "records.zip", private_key=private_key, progress=seen.append)

    assert [p.done for p in seen] == [1, 2, 3, 4, 5] and {p.total for p in seen} == {5}
    assert {p.record_id for p in seen} == {record_id for record_id, _ in items}
    assert all(0 < p.peak_rss_kb < 150 * 1024 for p in seen)
    trusted = {signing.key_id(private_key.public_key()): private_key.public_key()}
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert sorted(names) == sorted([f"{record_id}.pdf" for record_id, _ in items] + ["index.csv"])
        for record_id, _ in items:
            result = verify_pdf(archive.read(f"{record_id}.pdf"), trusted)
            assert result.valid and result.record_id == record_id, result.reasons
        rows = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert [row["record_id"] for row in rows] == [record_id for record_id, _ in items]
    assert rows[1]["proposal_title"] == "'=HYPERLINK(\"http://127.0.0.1/x\",\"click\")"
    assert rows[2]["signed_by"].startswith("'@SUM(1+1)")
    assert rows[3]["outcome"] == "'+cmd|' /C calc'!A0"
    assert rows[4]["committee"] == "'-2+3"
    assert all(not value.startswith(FORMULA_STARTS) for row in rows for value in row.values())
    assert sorted(p.name for p in path.parent.iterdir()) == ["records.zip"]


def test_a_record_that_cannot_be_rendered_stops_the_export_and_leaves_no_zip(
    renderer, private_key, tmp_path, monkeypatch
):
    from portal.records.sandbox import RenderFailed

    real = bulk.render_measured

    def fails_for_one(envelope, *, limits):  # noqa: ANN001, ANN202
        if envelope["record"]["record_id"] == "NBU-D-000102":
            raise RenderFailed("Rendering failed (a test). Nothing was written.")
        return real(envelope, limits=limits)

    monkeypatch.setattr(bulk, "render_measured", fails_for_one)
    with pytest.raises(BulkExportError, match="Record NBU-D-000102 could not be rendered"):
        export_zip(_items(4), tmp_path / "records.zip", private_key=private_key)
    assert list(tmp_path.iterdir()) == []


def test_records_of_the_wrong_shape_or_with_clashing_ids_are_refused_before_any_render(private_key, tmp_path):
    broken = sample_record(3)
    del broken["outcome"]
    with pytest.raises(BulkExportError, match="Record NBU-D-000003: .*'outcome' is a required property"):
        export_zip([("NBU-D-000003", broken)], tmp_path / "a.zip", private_key=private_key)
    with pytest.raises(BulkExportError, match="carries the id"):
        export_zip([("NBU-D-000009", sample_record(3))], tmp_path / "b.zip", private_key=private_key)
    with pytest.raises(BulkExportError, match="share the file name"):
        export_zip([("NBU-D-000003", sample_record(3))] * 2, tmp_path / "c.zip", private_key=private_key)
    assert list(tmp_path.iterdir()) == []


@given(st.text(max_size=30))
def test_no_cell_starts_like_a_formula(text):
    cell = neutralise(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell in (text, f"'{text}")
