"""Configuration from the environment: one commented default per key, read only by the
composition root. Production refuses to start with the development secret key."""
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

DEV_SECRET = "dev-only-not-secret"
#: The audit key of the demo and the tests; production refuses it (and no key at all).
DEV_AUDIT_KEY = "dev-only-audit-key-not-secret"


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says which setting and why."""


@dataclass(frozen=True)
class Settings:
    env: str = "development"                 # CASEWORK_ENV: development or production
    database_url: str = "sqlite:///instance/casework.db"  # CASEWORK_DATABASE_URL
    secret_key: str = DEV_SECRET              # CASEWORK_SECRET_KEY: long random string in production
    audit_key: str = DEV_AUDIT_KEY            # CASEWORK_AUDIT_KEY: keys the audit trail's HMAC; kept out of the database
    council_name: str = "London Borough of Bexley"  # CASEWORK_COUNCIL_NAME: shown in the header
    base_url: str = "http://127.0.0.1:5000"   # CASEWORK_BASE_URL: links in emails
    idle_timeout_minutes: int = 30            # CASEWORK_IDLE_TIMEOUT_MINUTES
    idle_warning_minutes: int = 2             # CASEWORK_IDLE_WARNING_MINUTES
    smtp_host: str = ""                       # CASEWORK_SMTP_HOST: empty = capture mail locally
    smtp_port: int = 587                      # CASEWORK_SMTP_PORT
    smtp_security: str = "starttls"           # CASEWORK_SMTP_SECURITY: starttls, tls or none
    smtp_user: str = ""                       # CASEWORK_SMTP_USER
    smtp_password: str = ""                   # CASEWORK_SMTP_PASSWORD
    mail_sender: str = "casework@bexley.example"  # CASEWORK_MAIL_SENDER
    notify_api_key: str = ""                  # CASEWORK_NOTIFY_API_KEY: turns on GOV.UK Notify
    notify_base_url: str = "https://api.notifications.service.gov.uk"  # CASEWORK_NOTIFY_BASE_URL
    notify_template_id: str = ""              # CASEWORK_NOTIFY_TEMPLATE_ID
    sweep_seconds: int = 30                   # CASEWORK_SWEEP_SECONDS: scheduler interval
    max_attempts: int = 8                     # CASEWORK_MAX_ATTEMPTS: email attempts before failing
    bundle_dir: str = ""                      # CASEWORK_BUNDLE_DIR: case bundles; empty = beside the SQLite file, or ./instance/bundles
    booking_minutes: int = 120                # CASEWORK_BOOKING_MINUTES: a booked session or hearing's length in calendar invitations
    trusted_proxies: int = 0                  # CASEWORK_TRUSTED_PROXIES: proxies whose X-Forwarded-For is believed
    documents_path: str = ""                  # CASEWORK_DOCUMENTS_PATH: empty = "documents" beside the SQLite file, or ./instance/documents
    max_file_mb: int = 20                     # CASEWORK_MAX_FILE_MB: the largest file that may be uploaded
    max_files: int = 10                       # CASEWORK_MAX_FILES: files in one upload
    clamd_socket: str = ""                    # CASEWORK_CLAMD_SOCKET: clamd's unix socket (or tcp://host:port); empty = files are not checked
    limits: Mapping[str, str] = field(default_factory=dict)  # CASEWORK_LIMIT_<NAME>

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Read CASEWORK_* variables; refuse unusable values with a message naming the key."""
        environ = os.environ if environ is None else environ
        values: dict = {}
        for name, f in cls.__dataclass_fields__.items():
            key = f"CASEWORK_{name.upper()}"
            if name == "limits" or key not in environ:
                continue
            raw = environ[key]
            if f.type in (int, "int"):
                try:
                    values[name] = int(raw)
                except ValueError:
                    raise ConfigError(f"{key} must be a whole number, not {raw!r}.") from None
            else:
                values[name] = raw
        values["limits"] = {k: v for k, v in environ.items() if k.startswith("CASEWORK_LIMIT_")}
        settings = cls(**values)
        settings.check()
        return settings

    def served_at(self, host: str, port: int, environ: Mapping[str, str] | None = None) -> "Settings":
        """These settings for a server on this host and port: unless CASEWORK_BASE_URL says
        otherwise, links in emails point at that server (`PORT=8080 make run` links to 8080)."""
        environ = os.environ if environ is None else environ
        if "CASEWORK_BASE_URL" in environ:
            return self
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # nosec B104
        return replace(self, base_url=f"http://{shown}:{port}")

    def check(self) -> None:
        if self.env not in ("development", "production", "test"):
            raise ConfigError("CASEWORK_ENV must be development, production or test.")
        if self.is_production and (self.secret_key == DEV_SECRET or len(self.secret_key) < 32):
            raise ConfigError("CASEWORK_SECRET_KEY must be set to a random string of 32 or more "
                              "characters in production.")
        if self.is_production and (self.audit_key == DEV_AUDIT_KEY or len(self.audit_key) < 32):
            raise ConfigError("CASEWORK_AUDIT_KEY must be set to a random string of 32 or more characters "
                              "in production, kept outside the database (it keys the audit trail).")
        if not 0 <= self.trusted_proxies <= 5:
            raise ConfigError("CASEWORK_TRUSTED_PROXIES must be a whole number from 0 to 5.")
        if not 1 <= self.max_file_mb <= 500 or not 1 <= self.max_files <= 50:
            raise ConfigError("CASEWORK_MAX_FILE_MB must be 1 to 500 and CASEWORK_MAX_FILES 1 to 50.")
        if self.smtp_security not in ("starttls", "tls", "none"):
            raise ConfigError("CASEWORK_SMTP_SECURITY must be starttls, tls or none.")
        if not 15 <= self.booking_minutes <= 24 * 60:
            raise ConfigError("CASEWORK_BOOKING_MINUTES must be a whole number of minutes from 15 to 1440.")
        self._check_limits()

    def _check_limits(self) -> None:
        """CASEWORK_LIMIT_* must make usable time limits; one below a floor of the Compact
        (notice, consultation) stops start-up rather than being quietly raised."""
        from workflows.limits import BelowFloor, TimeLimits
        try:
            TimeLimits.from_environ(self.limits)
        except BelowFloor as exc:
            raise ConfigError(f"CASEWORK_LIMIT_{exc.name.upper()} cannot be {exc.value}: {exc.words} under the "
                              "Compact. Configuration can raise this floor, never lower it.") from None
        except ValueError as exc:
            raise ConfigError(f"The CASEWORK_LIMIT_* settings cannot be used: {exc}") from None
