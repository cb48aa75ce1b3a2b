"""Configuration classes. This is the only module that reads os.environ."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("OPENBARGAIN_INSTANCE_PATH", BASE_DIR / "instance"))


class ConfigError(RuntimeError):
    """The environment does not hold what this configuration needs to start."""


def _generated_once(path: Path, make) -> str:
    """A file in instance/ written once, readable by the app's user alone, then read each start."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(make() + "\n")
    return path.read_text().strip()


def instance_secret_key(instance_dir: Path) -> str:
    """A key generated once and kept in instance/, so the default install never ships a key."""
    return _generated_once(instance_dir / "secret_key", lambda: secrets.token_hex(32))


BALLOT_KEY_BYTES = 32


def parse_ballot_keys(text: str) -> list[bytes]:
    """`BALLOT_KEYS`: hex keys of 32 bytes, separated by commas or whitespace, newest first.

    The newest seals the ballots of votes that open from now on; older keys stay listed until
    every vote sealed under them is certified, so a key can be rotated during an open vote."""
    keys = []
    for item in text.replace(",", " ").split():
        try:
            key = bytes.fromhex(item)
        except ValueError:
            key = b""
        if len(key) != BALLOT_KEY_BYTES:
            raise ConfigError(f"each BALLOT_KEYS entry is {BALLOT_KEY_BYTES * 2} hex digits "
                              "(make one with: python -c 'import secrets; print(secrets.token_hex(32))')")
        keys.append(key)
    if not keys:
        raise ConfigError("BALLOT_KEYS holds no key")
    return keys


def instance_ballot_keys(instance_dir: Path) -> list[bytes]:
    """The embedded default's ballot key, generated once into instance/ beside the secret key.
    It never goes into the database: a reader of the database or a dump cannot open the ballots."""
    return parse_ballot_keys(_generated_once(instance_dir / "ballot_keys",
                                             lambda: secrets.token_hex(BALLOT_KEY_BYTES)))


class Config:
    """The embedded default: SQLite under instance/, mail printed to the console."""

    def __init__(self) -> None:
        env = os.environ
        self.INSTANCE_PATH = str(INSTANCE_DIR)
        self.SECRET_KEY = env.get("SECRET_KEY") or instance_secret_key(INSTANCE_DIR)
        self.BALLOT_KEYS = (parse_ballot_keys(env["BALLOT_KEYS"]) if env.get("BALLOT_KEYS")
                            else instance_ballot_keys(INSTANCE_DIR))
        self.SQLALCHEMY_DATABASE_URI = env.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'openbargain.sqlite'}"
        )
        self.MAIL_BACKEND = env.get("MAIL_BACKEND", "smtp" if env.get("SMTP_HOST") else "console")
        self.MAIL_FROM = env.get("MAIL_FROM", "openbargain <noreply@localhost>")
        self.SMTP_HOST = env.get("SMTP_HOST", "")
        self.SMTP_PORT = int(env.get("SMTP_PORT", "587"))
        self.SMTP_USERNAME = env.get("SMTP_USERNAME", "")
        self.SMTP_PASSWORD = env.get("SMTP_PASSWORD", "")
        self.SMTP_STARTTLS = env.get("SMTP_STARTTLS", "1") == "1"
        # In-process by default (openbargain/limits_storage.py: limits' own memory store is not
        # thread-safe in the release we pin).
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "memory-threadsafe://")
        # The job queue (Redis) that carries mail to `flask openbargain worker` processes; empty: mail
        # is delivered by the process that wrote it, after its commit, and retried by `tick`.
        self.QUEUE_URL = env.get("QUEUE_URL", "")
        self.QUEUE_NAMESPACE = env.get("QUEUE_NAMESPACE", "openbargain")
        # At most this many mails leave per second, across every worker (limits' notation; empty:
        # as fast as the mail server takes them). Shared through QUEUE_URL's Redis when it is set.
        self.MAIL_SEND_RATE = env.get("MAIL_SEND_RATE", "")
        # Chat webhooks may post to addresses inside the server's own network (a Matrix bridge on
        # the chapter's LAN) only when this is 1: otherwise a webhook could reach the database,
        # Redis or the cloud's metadata service.
        self.WEBHOOK_ALLOW_PRIVATE = env.get("WEBHOOK_ALLOW_PRIVATE", "0") == "1"
        # The chapter's keys for the roll-call sources `import-votes --fetch` asks (--key overrides).
        self.ROLL_CALL_KEYS = {source: env.get(variable, "") for source, variable in (
            ("openstates", "OPENSTATES_API_KEY"), ("legiscan", "LEGISCAN_API_KEY"), ("legistar", "LEGISTAR_TOKEN"))}
        # The languages the pages, mails and notices are offered in, the first the default
        # (i18n.py); each has a complete catalog under openbargain/translations.
        self.LANGUAGES = [code.strip() for code in env.get("LANGUAGES", "en,es").split(",") if code.strip()]
        self.PREFERRED_URL_SCHEME = env.get("PREFERRED_URL_SCHEME", "http")
        # Where members reach the site: links in mail are built on it.
        self.BASE_URL = env.get("BASE_URL", "http://127.0.0.1:5000")

    # No ping on every checkout (a round trip a request): a connection idle long enough to have
    # been dropped is pinged when taken from the pool instead (services/uow.py).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    REMEMBER_COOKIE_DURATION = timedelta(days=30)  # no longer than a server-side login session lives
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session; sessions are versioned
    # Flask-Limiter's own switch; also read per request (extensions.py), as tests run apps with it both ways.
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    INVITATION_MAX_AGE = timedelta(days=14)
    PASSWORD_RESET_MAX_AGE = timedelta(hours=2)
    # Per address, a ceiling against abuse only: a general meeting logs in from one address.
    LOGIN_RATE_LIMIT = "120 per minute;2000 per hour"
    # Wrong passwords, per account and per account+address (services/throttle.py).
    LOGIN_FAILURES_PER_ACCOUNT = "10 per 15 minutes"
    LOGIN_FAILURES_PER_ACCOUNT_ADDRESS = "5 per minute"
    RESET_RATE_LIMIT = "5 per minute;20 per hour"
    API_RATE_LIMIT = "300 per minute"
    QUEUE_MAX_RETRIES = 20  # a job that crashes (the database away) is tried again, 15 s to an hour apart


class DevelopmentConfig(Config):
    DEBUG = False


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    def __init__(self) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "BALLOT_KEYS") if not os.environ.get(name)]
        if missing:
            raise ConfigError(
                "production configuration needs these environment variables: " + ", ".join(missing)
            )
        super().__init__()
        self.PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = "test-only-" + secrets.token_hex(32)
        self.BALLOT_KEYS = [secrets.token_bytes(BALLOT_KEY_BYTES)]
        self.SQLALCHEMY_DATABASE_URI = suite_database_url()
        self.MAIL_BACKEND = "memory"


def suite_database_url() -> str:
    """The suite's database: PostgreSQL in CI's second pass, else a SQLite file in instance/."""
    return os.environ.get(
        "OPENBARGAIN_TEST_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'test.sqlite'}"
    )


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestConfig,
}


def config_from_env(name: str | None = None) -> Config:
    name = name or os.environ.get("OPENBARGAIN_CONFIG", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise ConfigError(f"unknown OPENBARGAIN_CONFIG {name!r}; use one of {sorted(CONFIGS)}")
