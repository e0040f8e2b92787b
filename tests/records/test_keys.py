"""`flask records keygen`, key files, and keys created on first use in the demo and the tests only."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from portal import create_app
from portal.records import keys, service, signing
from portal.records.keys import KeyPaths, KeyProblem
from tests.records.sample_record import sample_record


def _paths(tmp_path: Path) -> KeyPaths:
    return KeyPaths(tmp_path / "keys" / "signing.key", tmp_path / "keys" / "signing.pub")


def test_keygen_writes_a_private_key_only_its_owner_can_read(tmp_path):
    paths = _paths(tmp_path)
    key = keys.generate_key_files(paths)
    assert stat.S_IMODE(paths.private.stat().st_mode) == 0o600
    assert paths.private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert paths.public.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert signing.key_id(keys.load_public_key(paths.public)) == key
    assert signing.key_id(keys.load_private_key(paths.private).public_key()) == key
    assert [p.name for p in paths.private.parent.iterdir() if p.name.startswith(".")] == []  # no temp files left


def test_keygen_refuses_to_overwrite_unless_forced(tmp_path):
    paths = _paths(tmp_path)
    first = keys.generate_key_files(paths)
    before = paths.private.read_bytes()
    with pytest.raises(KeyProblem, match="already exists"):
        keys.generate_key_files(paths)
    assert paths.private.read_bytes() == before
    second = keys.generate_key_files(paths, force=True)
    assert second != first
    assert stat.S_IMODE(paths.private.stat().st_mode) == 0o600


def test_a_missing_or_foreign_key_file_is_named(tmp_path):
    paths = _paths(tmp_path)
    with pytest.raises(KeyProblem, match="records keygen"):
        keys.load_private_key(paths.private)
    paths.public.parent.mkdir(parents=True)
    paths.public.write_text("not a key")
    with pytest.raises(KeyProblem, match="not an Ed25519 public key"):
        keys.load_public_key(paths.public)


def test_the_cli_keygen_uses_the_configured_paths(app, tmp_path):
    runner = app.test_cli_runner()
    app.config["RECORDS_PRIVATE_KEY"] = str(tmp_path / "k" / "private.pem")
    app.config["RECORDS_PUBLIC_KEY"] = str(tmp_path / "k" / "public.pem")
    made = runner.invoke(args=["records", "keygen"])
    assert made.exit_code == 0, made.output
    assert "Created record-signing key ed25519:" in made.output
    assert stat.S_IMODE((tmp_path / "k" / "private.pem").stat().st_mode) == 0o600
    again = runner.invoke(args=["records", "keygen"])
    assert again.exit_code != 0
    assert "already exists" in again.output
    forced = runner.invoke(args=["records", "keygen", "--force"])
    assert forced.exit_code == 0, forced.output


def test_tests_create_a_key_on_first_use_and_say_so(app, caplog):
    caplog.set_level(logging.WARNING, logger="portal.records")
    envelope = service.sign(sample_record())
    assert "created a new one" in caplog.text
    assert envelope["key_id"] in service.trusted_keys()
    assert Path(app.config["RECORDS_PRIVATE_KEY"]).exists()


def test_production_never_creates_a_key(tmp_path, monkeypatch):
    production = create_app(
        {"SECRET_KEY": "x" * 16 + "abcdefghijklmnop", "INSTANCE_PATH": str(tmp_path), "TESTING": False}
    )
    with production.app_context(), pytest.raises(KeyProblem, match="records keygen"):
        service.signing_key()
    assert not (tmp_path / "records" / "signing.key").exists()


def test_the_private_key_is_never_in_the_configuration_or_database(app):
    service.signing_key()
    private_pem = Path(app.config["RECORDS_PRIVATE_KEY"]).read_bytes()
    assert all(private_pem not in str(value).encode() for value in app.config.values())
