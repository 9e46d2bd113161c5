"""Settings from the environment and `.env`. Every name here is listed in README and .env.example."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.ops.demo import default_knowledge_dir


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True)

    db: Path = Field(Path("var/backoffice.db"), validation_alias="BACKOFFICE_DB")
    # ./knowledge when there is one, else the demo inside the package (bot.ops.demo).
    knowledge_dir: Path = Field(default_factory=default_knowledge_dir, validation_alias="BACKOFFICE_KNOWLEDGE_DIR")
    locale: Literal["ja", "en"] = Field("ja", validation_alias="BACKOFFICE_LOCALE")
    attachments_dir: Path = Field(Path("var/attachments"), validation_alias="BACKOFFICE_ATTACHMENTS_DIR")
    console_as: str | None = Field(None, validation_alias="BACKOFFICE_CONSOLE_AS")
    # A fixed "now" (ISO date or datetime, Asia/Tokyo) for demos and scripted sessions.
    now: str | None = Field(None, validation_alias="BACKOFFICE_NOW")
    engine: Literal["offline", "llm", "hybrid"] | None = Field(None, validation_alias="BACKOFFICE_ENGINE")
    log_level: str = Field("WARNING", validation_alias="BACKOFFICE_LOG_LEVEL")
    # Workers that work the inbox off: one sender's messages go in order, different senders' in parallel,
    # and a worker waiting on a model call holds no lock, so this bounds the model calls in flight.
    workers: int = Field(16, ge=1, le=128, validation_alias="BACKOFFICE_WORKERS")
    # Files from chat: refused above this size, whatever size the platform declares (downloads stream under it).
    max_file_mb: int = Field(20, ge=1, le=200, validation_alias="BACKOFFICE_MAX_FILE_MB")
    # A platform event whose own time is further than this from now (old, or from the future) is not acted on.
    event_window_minutes: int = Field(60, ge=1, validation_alias="BACKOFFICE_EVENT_WINDOW_MINUTES")
    # The scheduler (reminders, escalation, nudges, the five-day duty, the daily audit head) in `serve`; the
    # console runs it only when asked (`backoffice tick` does one round by hand).
    scheduler: bool = Field(True, validation_alias="BACKOFFICE_SCHEDULER")
    scheduler_seconds: float = Field(60.0, ge=1, le=3600, validation_alias="BACKOFFICE_SCHEDULER_SECONDS")
    # Card numbers typed in chat are masked at intake like My Numbers (never stored) unless this is off.
    drop_card_numbers: bool = Field(True, validation_alias="BACKOFFICE_DROP_CARD_NUMBERS")
    # The audit chain's HMAC key: BACKOFFICE_AUDIT_KEY if set, else a key file created 0600 at first start.
    audit_key: SecretStr | None = Field(None, validation_alias="BACKOFFICE_AUDIT_KEY")
    audit_key_file: Path = Field(Path("var/audit.key"), validation_alias="BACKOFFICE_AUDIT_KEY_FILE")
    # Append-only record of (count, head hash) outside the database, so a cut-off tail of the log is detected.
    audit_anchor_file: Path = Field(Path("var/audit.anchor"), validation_alias="BACKOFFICE_AUDIT_ANCHOR_FILE")
    # The address people reach this server at (https://bot.example.co.jp), for the links it hands out: the
    # leave calendar feeds' URLs (`backoffice calendar url`). Unset: http://localhost:3000.
    public_url: str | None = Field(None, validation_alias="BACKOFFICE_PUBLIC_URL")

    openai_api_key: SecretStr | None = Field(None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(None, validation_alias="OPENAI_BASE_URL")
    openai_model: str | None = Field(None, validation_alias="OPENAI_MODEL")

    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field("https://slack.com/api/", validation_alias="SLACK_API_URL")
    chatwork_api_token: SecretStr | None = Field(None, validation_alias="CHATWORK_API_TOKEN")
    chatwork_webhook_token: SecretStr | None = Field(None, validation_alias="CHATWORK_WEBHOOK_TOKEN")
    chatwork_api_url: str = Field("https://api.chatwork.com/v2", validation_alias="CHATWORK_API_URL")
    # Where approval cards go (with a mention) instead of each approver's direct chat with the bot.
    chatwork_approvals_room: str | None = Field(None, validation_alias="CHATWORK_APPROVALS_ROOM")

    @property
    def understanding_engine(self) -> str:
        """Offline unless a model is configured; then hybrid, unless chosen explicitly."""
        if self.engine:
            return self.engine
        has_model = bool(self.openai_model and (self.openai_api_key or self.openai_base_url))
        return "hybrid" if has_model else "offline"

    @property
    def chat_configured(self) -> bool:
        return bool(self.slack_bot_token or self.chatwork_api_token)

    # freee会計 API (optional, bot/accounting/freee.py): on when the client id, secret and a refresh token are
    # set. The refresh token works once: the bot keeps each new one in its database, so this one is only the
    # first (set a new one here after authorising again). FREEE_COMPANY_ID: needed only with several companies.
    freee_client_id: str | None = Field(None, validation_alias="FREEE_CLIENT_ID")
    freee_client_secret: SecretStr | None = Field(None, validation_alias="FREEE_CLIENT_SECRET")
    freee_refresh_token: SecretStr | None = Field(None, validation_alias="FREEE_REFRESH_TOKEN")
    freee_company_id: int | None = Field(None, validation_alias="FREEE_COMPANY_ID")
    freee_api_url: str = Field("https://api.freee.co.jp", validation_alias="FREEE_API_URL")
    freee_token_url: str = Field(
        "https://accounts.secure.freee.co.jp/public_api/token", validation_alias="FREEE_TOKEN_URL"
    )

    # Build the policy search index when `serve` starts rather than at the first question (a few seconds then).
    # Off by default so the server at rest stays small (bench/bench_memory.py): the index is most of its memory.
    warm_index: bool = Field(False, validation_alias="BACKOFFICE_WARM_INDEX")
    # The web dashboard under /admin (bot/web): on when BACKOFFICE_WEB_URL is set (the address people reach it at,
    # behind a reverse proxy: https://backoffice.example.co.jp; sign-in links in chat point at it), and in the
    # console demo on http://127.0.0.1:BACKOFFICE_WEB_PORT unless BACKOFFICE_WEB_DEMO is off. Sessions are signed
    # with BACKOFFICE_WEB_SECRET if set, else a key file made 0600 beside the database (web.key).
    web_url: str | None = Field(None, validation_alias="BACKOFFICE_WEB_URL")
    web_secret: SecretStr | None = Field(None, validation_alias="BACKOFFICE_WEB_SECRET")
    web_demo: bool = Field(True, validation_alias="BACKOFFICE_WEB_DEMO")
    web_port: int = Field(3000, ge=1, le=65535, validation_alias="BACKOFFICE_WEB_PORT")
