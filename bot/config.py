"""Configuration: loaded once from TOML into validated, typed objects and passed in."""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.models import BUILTIN_LABELS

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}
_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

#: Where alerts can go: `platform` of a [[routes]] entry.
PLATFORMS = ("console", "webhook", "slack", "slack-webhook", "discord", "discord-webhook")


class ConfigError(Exception):
    """A configuration mistake, already phrased for the user (key, value, what was expected)."""


def parse_duration(value: Any) -> float:
    """Seconds from '30s', '10m', '2h', '1d', '1w' or a bare number of seconds."""
    if isinstance(value, bool):
        raise ValueError("expected a duration like 30s, 10m, 2h, 1d")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("expected a duration that is not negative")
        return float(value)
    if isinstance(value, str):
        if value.strip().lower() in ("all", "forever", "inf"):
            return math.inf
        m = _DURATION_RE.match(value.lower())
        if m:
            return float(m.group(1)) * _UNITS[m.group(2)]
    raise ValueError("expected a duration like 30s, 10m, 2h, 1d")


Duration = Annotated[float, BeforeValidator(parse_duration)]
SearchKind = Literal["news", "hackernews", "bluesky"]


class _Strict(BaseModel):
    # Unknown keys are mistakes (typos), not silently ignored settings.
    model_config = ConfigDict(extra="forbid", frozen=True)


class StorageConfig(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    url: str = ""  # empty = SQLite under the user's data directory
    schema_name: str = Field("", alias="schema", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$|^$")

    @field_validator("url")
    @classmethod
    def _known_driver(cls, v: str) -> str:
        if v and not v.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "expected sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST/DB")
        return v


class PollingConfig(_Strict):
    interval: Duration = 600.0
    timeout: Duration = 20.0
    max_concurrency: int = Field(50, ge=1, le=10_000)
    per_host_concurrency: int = Field(2, ge=1, le=1000)
    max_body_bytes: int = Field(10_000_000, ge=1024)
    max_redirects: int = Field(5, ge=0, le=30)
    allow_private: bool = False
    # On a source's first poll, alert only on items published within this window
    # (0 = record everything silently, "all" = alert on everything).
    backfill: Duration = 0.0
    max_failures: int = Field(10, ge=1)  # consecutive failures before a source is disabled
    max_backoff: Duration = 6 * 3600.0
    user_agent: str = "alertbot/0.1 (+https://github.com/alertbot/alertbot)"
    search: list[SearchKind] = Field(default_factory=list)  # default company search sources
    search_regions: list[str] = Field(default_factory=lambda: ["en-US"])  # news search editions
    search_interval: Duration = 1800.0  # searches are broad: poll them less often

    @field_validator("search_regions")
    @classmethod
    def _regions(cls, v: list[str]) -> list[str]:
        for r in v:
            if not re.fullmatch(r"[a-z]{2}-[A-Z]{2}", r):
                raise ValueError(f"{r!r}: expected a language-REGION like en-US, fr-FR, de-DE")
        return v


class SourceConfig(_Strict):
    name: str = Field(min_length=1)
    type: str = "feed"
    url: str = Field(min_length=1)
    interval: Duration | None = None
    backfill: Duration | None = None
    api_url: str | None = None
    lang: str | None = None
    enabled: bool = True
    replies: bool | None = None  # social sources: include replies (default no)
    boosts: bool | None = None  # social sources: include boosts/reposts (default no)


class CompanyConfig(_Strict):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    search: list[SearchKind] | None = None  # None = [polling] search


class RouteConfig(_Strict):
    platform: str = Field(min_length=1)
    channel: str = ""
    url: str | None = None  # webhook routes
    companies: list[str] = Field(default_factory=lambda: ["*"])
    labels: list[str] = Field(default_factory=lambda: list(BUILTIN_LABELS))
    role_id: int | None = None  # Discord: role to ping

    @model_validator(mode="after")
    def _target(self) -> RouteConfig:
        if self.platform.endswith("webhook") and not self.url:
            raise ValueError(f"platform {self.platform!r} needs url = \"https://...\"")
        chat = not self.platform.endswith("webhook") and self.platform != "console"
        if chat and not self.channel:
            raise ValueError(f"platform {self.platform!r} needs channel = \"...\"")
        return self


class LabelRuleConfig(_Strict):
    """A user label, or adjustments to a built-in one."""

    min_score: float | None = Field(None, ge=0, le=1)
    phrases: dict[str, list[str]] = Field(default_factory=dict)  # lang -> phrases ("*" = any)
    exclude: dict[str, list[str]] = Field(default_factory=dict)  # lang -> phrases that veto
    enabled: bool = True


class ClassifierConfig(_Strict):
    backend: str = "rules"
    min_score: float = Field(0.5, ge=0, le=1)
    labels: dict[str, LabelRuleConfig] = Field(default_factory=dict)

    def threshold(self, label: str) -> float:
        """The min_score for one label (its own, else the global one)."""
        rule = self.labels.get(label)
        if rule is not None and rule.min_score is not None:
            return rule.min_score
        return self.min_score


class DeliveryConfig(_Strict):
    max_attempts: int = Field(12, ge=1)  # then the row is marked failed, kept, and shown
    base_backoff: Duration = 2.0
    max_backoff: Duration = 900.0
    batch: int = Field(100, ge=1)


class ConsoleConfig(_Strict):
    color: Literal["auto", "always", "never"] = "auto"


class SlackConfig(_Strict):
    bot_token: str = Field(min_length=1)
    mode: Literal["socket", "http"] = "socket"
    app_token: str = ""
    signing_secret: str = ""
    listen: str = "0.0.0.0:3000"
    api_url: str = "https://slack.com/api/"
    admins: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _mode_needs(self) -> SlackConfig:
        if self.mode == "socket" and not self.app_token:
            raise ValueError("mode = \"socket\" needs app_token (an xapp-... token)")
        if self.mode == "http" and not self.signing_secret:
            raise ValueError("mode = \"http\" needs signing_secret")
        return self


class DiscordConfig(_Strict):
    token: str = Field(min_length=1)
    test_guild: int = 0
    api_url: str = "https://discord.com/api/v10"
    gateway_url: str = ""


class Config(_Strict):
    storage: StorageConfig = Field(default_factory=StorageConfig)
    polling: PollingConfig = Field(default_factory=PollingConfig)
    sources: list[SourceConfig] = Field(default_factory=list)
    companies: list[CompanyConfig] = Field(default_factory=list)
    routes: list[RouteConfig] = Field(default_factory=list)
    classifier: ClassifierConfig = Field(default_factory=ClassifierConfig)
    delivery: DeliveryConfig = Field(default_factory=DeliveryConfig)
    console: ConsoleConfig = Field(default_factory=ConsoleConfig)
    slack: SlackConfig | None = None
    discord: DiscordConfig | None = None
    path: str | None = Field(None, exclude=True)  # where it was loaded from, for messages

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        seen: set[str] = set()
        for i, s in enumerate(self.sources):
            if s.name.lower() in seen:
                raise ValueError(f"sources[{i}].name = {s.name!r}: expected a unique name")
            seen.add(s.name.lower())
        labels = set(BUILTIN_LABELS) | set(self.classifier.labels)
        for i, r in enumerate(self.routes):
            if r.platform not in PLATFORMS:
                raise ValueError(f"routes[{i}].platform = {r.platform!r}: expected one of "
                                 f"{', '.join(PLATFORMS)}")
            needs = {"slack": self.slack, "discord": self.discord}.get(r.platform, True)
            if needs is None:
                raise ValueError(f"routes[{i}].platform = {r.platform!r}: needs a "
                                 f"[{r.platform}] section with its token")
            for lab in r.labels:
                if lab not in labels:
                    raise ValueError(f"routes[{i}].labels: {lab!r} is not a label (expected "
                                     f"{', '.join(sorted(labels))})")
        return self


def expand_env(value: Any, env: Mapping[str, str], where: str = "") -> Any:
    """Replace ${VAR} in every string of a TOML tree; a missing variable is a ConfigError."""
    if isinstance(value, str):

        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in env:
                raise ConfigError(
                    f"{where or 'value'} = {value!r}: environment variable {name} is not set"
                )
            return env[name]

        return _ENV_RE.sub(sub, value)
    if isinstance(value, list):
        return [expand_env(v, env, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: expand_env(v, env, f"{where}.{k}" if where else k) for k, v in value.items()}
    return value


def _format_errors(err: ValidationError, data: Mapping[str, Any], origin: str) -> str:
    lines = [f"{origin}: invalid configuration"]
    for e in err.errors():
        loc = e["loc"]
        key = ""
        for part in loc:
            key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
        value: Any = data
        for part in loc:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                value = None
                break
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown key (typo?)"
        elif e["type"] == "missing":
            msg = "required key is missing"
        shown = "" if value is None or isinstance(value, dict | list) else f" = {value!r}"
        lines.append(f"  {key or '(top)'}{shown}: {msg}")
    return "\n".join(lines)


def config_from_dict(
    data: Mapping[str, Any], env: Mapping[str, str] | None = None, origin: str = "config"
) -> Config:
    """Validate a parsed TOML tree (after ${ENV} expansion) into a Config."""
    try:
        expanded = expand_env(dict(data), os.environ if env is None else env)
    except ConfigError as e:
        raise ConfigError(f"{origin}: invalid configuration\n  {e}") from None
    try:
        return Config.model_validate({**expanded, "path": origin})
    except ValidationError as e:
        raise ConfigError(_format_errors(e, expanded, origin)) from None


def load_config(path: str | Path | None, env: Mapping[str, str] | None = None) -> Config:
    """Load FILE, or the embedded default when path is None."""
    if path is None:
        from bot.defaults import default_config

        return default_config()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{p}: cannot read config file: {e.strerror or e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML: {e}") from None
    return config_from_dict(data, env, str(p))
