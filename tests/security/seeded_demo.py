"""The demo world seeded once and restored per test: seeding (and making an app, which loads every criteria set)
costs more than most tests of it, so a module seeds the app's database once, keeps a copy as a template (a file
on SQLite, a database on PostgreSQL) and puts a fresh copy back before each test."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

from portal.extensions import db
from tests.databases import BACKEND, create_pg_database, drop_pg_database


class SeededDemo:
    """The app's database (`url`) and the seeded template it is restored from."""

    def __init__(self, app: Flask, workdir: Path) -> None:
        from portal.demo.seed import seed_demo

        self.url = app.config["DATABASE_URL"]
        seed_demo()
        db.session.commit()
        self._disconnect()
        if BACKEND == "postgresql":
            self.template = f"{self._database()}_seeded_{uuid.uuid4().hex[:6]}"
            create_pg_database(self.template, template=self._database())
        else:
            self.template = str(workdir / "seeded.db")
            shutil.copyfile(self._database(), self.template)

    def restore(self) -> None:
        """The app's database as it was just after seeding; the next query opens a new connection."""
        self._disconnect()
        if BACKEND == "postgresql":
            drop_pg_database(self._database())
            create_pg_database(self._database(), template=self.template)
            return
        for leftover in (Path(f"{self._database()}-wal"), Path(f"{self._database()}-shm")):
            leftover.unlink(missing_ok=True)  # a copied main file must not meet another file's write-ahead log
        shutil.copyfile(self.template, self._database())

    def close(self) -> None:
        self._disconnect()
        if BACKEND == "postgresql":
            drop_pg_database(self.template)

    @staticmethod
    def _disconnect() -> None:
        db.session.remove()
        db.engine.dispose()

    def _database(self) -> str:
        """The database's name on PostgreSQL, its file on SQLite."""
        return make_url(self.url).database
