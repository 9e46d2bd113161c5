"""Settings from the environment and `.env`. Every name here is listed in README and .env.example."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True)

    db: Path = Field(Path("var/backoffice.db"), validation_alias="BACKOFFICE_DB")
    knowledge_dir: Path = Field(Path("knowledge"), validation_alias="BACKOFFICE_KNOWLEDGE_DIR")
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
