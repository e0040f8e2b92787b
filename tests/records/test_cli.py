"""`flask records verify` and `flask records render`: exit codes and what they print."""

from __future__ import annotations

import json
from pathlib import Path

from portal.records import signing
from tests.records import tamper
from tests.records.sample_record import sample_record


def test_a_valid_record_prints_valid_and_exits_0(app, app_key, sample_pdf, envelope, tmp_path):
    path = tmp_path / "record.pdf"
    path.write_bytes(sample_pdf)
    result = app.test_cli_runner().invoke(args=["records", "verify", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "VALID NBU-D-000042",
        f"  fingerprint {envelope['fingerprint']}",
        f"  key id {envelope['key_id']}",
    ]


def test_an_altered_record_prints_what_failed_and_exits_1(app, app_key, sample_pdf, tmp_path):
    path = tmp_path / "altered.pdf"
    path.write_bytes(tamper.change_one_byte(sample_pdf, b"y", b"z"))
    result = app.test_cli_runner().invoke(args=["records", "verify", str(path)])
    assert result.exit_code == 1
    assert "INVALID altered.pdf" in result.output
    assert "fingerprint mismatch: the record was altered" in result.output
    assert "VALID NBU" not in result.output


def test_a_record_from_another_key_verifies_only_with_that_public_key(app, app_key, sample_pdf, envelope, tmp_path):
    stranger = signing.new_private_key()
    path = tmp_path / "other.pdf"
    path.write_bytes(tamper.replace_envelope(sample_pdf, signing.sign_record(envelope["record"], stranger)))
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["records", "verify", str(path)])
    assert refused.exit_code == 1
    assert "unknown key id" in refused.output
    public = tmp_path / "old.pub"
    public.write_bytes(signing.public_pem(stranger.public_key()))
    accepted = runner.invoke(args=["records", "verify", str(path), "--public-key", str(public)])
    assert accepted.exit_code == 0, accepted.output


def test_a_file_that_is_not_a_record_exits_1(app, app_key, tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"just some notes")
    result = app.test_cli_runner().invoke(args=["records", "verify", str(path)])
    assert result.exit_code == 1
    assert "not a readable PDF: the file is not a PDF" in result.output


def test_render_signs_and_writes_a_record_that_verifies(app, renderer, tmp_path):
    source = tmp_path / "record.json"
    source.write_text(json.dumps(sample_record(5)))
    target = tmp_path / "out" / "NBU-D-000005.pdf"
    runner = app.test_cli_runner()
    made = runner.invoke(args=["records", "render", str(source), str(target)])
    assert made.exit_code == 0, made.output
    assert "NBU-D-000005" in made.output
    checked = runner.invoke(args=["records", "verify", str(target)])
    assert checked.exit_code == 0, checked.output
    assert sorted(p.name for p in target.parent.iterdir()) == ["NBU-D-000005.pdf"]


def test_render_names_a_record_of_the_wrong_shape(app, tmp_path):
    record = sample_record()
    del record["signatures"]
    source = tmp_path / "record.json"
    source.write_text(json.dumps(record))
    result = app.test_cli_runner().invoke(args=["records", "render", str(source), str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "'signatures' is a required property" in result.output
    assert not Path(tmp_path / "x.pdf").exists()
