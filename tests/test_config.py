from __future__ import annotations

import pytest

import config
from openbargain import create_app


def test_production_refuses_to_start_without_its_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@localhost/db")
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        config.ProductionConfig()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(config.ConfigError, match="DATABASE_URL"):
        config.ProductionConfig()
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@localhost/db")
    monkeypatch.delenv("BALLOT_KEYS", raising=False)
    with pytest.raises(config.ConfigError, match="BALLOT_KEYS"):
        config.ProductionConfig()


def test_production_accepts_postgresql_and_secures_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("BALLOT_KEYS", "ab" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@localhost/db")
    app = create_app(config.ProductionConfig())
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.secret_key == "x" * 40


def test_default_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    first = config.instance_secret_key(tmp_path)
    assert len(first) == 64 and config.instance_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_default_database_is_sqlite_under_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    cfg = config.DevelopmentConfig()
    assert cfg.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///") and "instance" in cfg.SQLALCHEMY_DATABASE_URI
    assert cfg.MAIL_BACKEND in ("console", "smtp")


def test_unknown_config_name_is_a_clear_error():
    with pytest.raises(config.ConfigError, match="unknown OPENBARGAIN_CONFIG"):
        config.config_from_env("staging")


def test_ballot_keys_are_generated_once_and_parsed_newest_first(tmp_path):
    [first] = config.instance_ballot_keys(tmp_path)
    assert len(first) == 32 and config.instance_ballot_keys(tmp_path) == [first]
    assert (tmp_path / "ballot_keys").stat().st_mode & 0o077 == 0
    assert config.parse_ballot_keys("11" * 32 + ", " + "22" * 32) == [b"\x11" * 32, b"\x22" * 32]


@pytest.mark.parametrize("text", ["", "abc", "11" * 31, "zz" * 32])
def test_a_malformed_ballot_key_stops_the_start(text):
    with pytest.raises(config.ConfigError, match="BALLOT_KEYS"):
        config.parse_ballot_keys(text)
