"""Configuration: the example validates, env expansion, and errors that name key and value."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from bot.config import ConfigError, config_from_dict, load_config, parse_duration

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"


def test_the_example_config_is_valid() -> None:
    config = load_config(EXAMPLE, env={})
    assert config.polling.interval == 600 and config.polling.per_host_concurrency == 2
    assert config.sources[0].name == "TechCrunch AI" and config.sources[0].interval == 300
    assert config.companies[0].aliases == ["Stability", "@StabilityAI"]
    assert config.routes[0].companies == ["*"]


def test_the_example_with_every_section_enabled_is_valid(tmp_path: Path) -> None:
    # Uncomment every commented-out table: each must validate as documented.
    lines, in_block = [], False
    for line in EXAMPLE.read_text().splitlines():
        if re.match(r"# \[", line):
            in_block = True
        elif not re.match(r"# [a-z_]+ *=", line):
            in_block = False
        lines.append(line[2:] if in_block else line)
    text = "\n".join(lines)
    path = tmp_path / "full.toml"
    path.write_text(text)
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1",
           "SLACK_SIGNING_SECRET": "s", "DISCORD_TOKEN": "d", "SLACK_WEBHOOK_URL": "https://h",
           "PGPASSWORD": "pw"}
    config = load_config(path, env=env)
    assert config.slack is not None and config.slack.bot_token == "xoxb-1"
    assert config.discord is not None and config.discord.token == "d"
    assert {r.platform for r in config.routes} >= {"console", "slack-webhook", "discord"}
    assert "acquisition" in config.classifier.labels


def test_a_missing_environment_variable_names_the_key() -> None:
    with pytest.raises(ConfigError) as e:
        config_from_dict({"slack": {"bot_token": "${SLACK_BOT_TOKEN}", "app_token": "x"}},
                         env={})
    assert "slack.bot_token" in str(e.value) and "SLACK_BOT_TOKEN is not set" in str(e.value)


@pytest.mark.parametrize("data,needle", [
    ({"sources": [{"name": "A", "url": "u", "interval": "5x"}]},
     "sources[0].interval = '5x': expected a duration like 30s, 10m, 2h, 1d"),
    ({"polling": {"intervall": "5m"}}, "polling.intervall = '5m': unknown key (typo?)"),
    ({"polling": {"max_concurrency": 0}}, "polling.max_concurrency = 0"),
    ({"sources": [{"name": "A"}]}, "sources[0].url: required key is missing"),
    ({"sources": [{"name": "A", "url": "u"}, {"name": "a", "url": "v"}]},
     "sources[1].name = 'a': expected a unique name"),
    ({"routes": [{"platform": "slack", "channel": "C1"}]},
     "routes[0].platform = 'slack': needs a [slack] section"),
    ({"routes": [{"platform": "pager", "channel": "x"}]}, "expected one of console, webhook"),
    ({"routes": [{"platform": "console", "labels": ["gossip"]}]}, "'gossip' is not a label"),
    ({"routes": [{"platform": "slack-webhook"}]}, "needs url"),
    ({"storage": {"url": "mysql://x"}}, "storage.url = 'mysql://x'"),
    ({"slack": {"bot_token": "x", "mode": "http"}}, "needs signing_secret"),
])
def test_mistakes_are_reported_with_key_value_and_expectation(data: dict, needle: str) -> None:
    with pytest.raises(ConfigError) as e:
        config_from_dict(data, env={}, origin="bot.toml")
    assert needle in str(e.value)
    assert str(e.value).startswith("bot.toml: invalid configuration")


def test_unreadable_and_invalid_toml_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[polling\ninterval = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


def test_custom_labels_can_be_routed() -> None:
    config = config_from_dict({
        "classifier": {"labels": {"acquisition": {"phrases": {"en": ["acquires"]}}}},
        "routes": [{"platform": "console", "labels": ["acquisition"]}]}, env={})
    assert config.routes[0].labels == ["acquisition"]


@pytest.mark.parametrize("text,seconds", [("30s", 30), ("10m", 600), ("2h", 7200), ("1d", 86400),
                                          (45, 45), ("1.5h", 5400), ("all", math.inf)])
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_the_embedded_default_needs_no_file_and_no_network() -> None:
    config = load_config(None)
    assert [r.platform for r in config.routes] == ["console"]
    assert len(config.sources) == 5 and all(Path(s.url).is_file() for s in config.sources)
    assert all(s.backfill == math.inf for s in config.sources)
