"""The `alertbot` command as a user runs it: a real process, real files, a real feed server."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.testing.feed_server import FeedServer
from bot.testing.feeds import FeedEntry, rss
from bot.testing.webhook_receiver import WebhookReceiver

ENTRY = FeedEntry(title="OpenAI CTO Mira Murati resigns", link="https://news.example/1",
                  summary="She is leaving the company.", guid="1")


async def alertbot(*args: str, env: dict[str, str] | None = None,
                   timeout: float = 60) -> tuple[int, str, str]:
    """Run `python -m bot.cli ARGS` and return (exit code, stdout, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env={**os.environ, **(env or {})})
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    return proc.returncode or 0, out.decode(), err.decode()


def write_config(tmp: Path, body: str) -> Path:
    path = tmp / "alertbot.toml"
    path.write_text(f'[storage]\nurl = "sqlite+aiosqlite:///{tmp / "bot.db"}"\n'
                    '[polling]\nallow_private = true\ntimeout = "2s"\n' + body)
    return path


async def test_first_run_with_no_config_shows_the_seed_story_offline(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path), "ALERTBOT_CONFIG": ""}
    code, out, err = await alertbot("run", "--once", env=env)
    assert code == 0, err
    assert "STABILITY AI" in out.upper() and "━━" in out
    assert "polled 5 sources (0 failed)" in err
    assert (tmp_path / "alertbot" / "alertbot.db").is_file()
    # Nothing is alerted twice: the second run finds nothing new.
    code, out2, err2 = await alertbot("run", "--once", env=env)
    assert code == 0 and out2.strip() == "" and "0 new items" in err2


async def test_feeds_add_list_remove_and_opml_round_trip(tmp_path: Path) -> None:
    async with FeedServer() as srv:
        srv.set_feed("/ai.xml", rss([ENTRY], title="AI News"))
        srv.set_response("/page", 200, "<html><body>hi</body></html>",
                         {"Content-Type": "text/html"})
        cfg = str(write_config(tmp_path, ""))
        code, out, err = await alertbot("feeds", "add", srv.url("/ai.xml"), "--config", cfg)
        assert code == 0 and "added 'AI News' (feed): AI News, 1 items" in out, err
        code, out, err = await alertbot("feeds", "add", srv.url("/page"), "--config", cfg)
        assert code == 1 and "not added" in err and "HTML page" in err
        code, out, _ = await alertbot("feeds", "list", "--config", cfg)
        assert "AI News" in out and srv.url("/ai.xml") in out
        opml = tmp_path / "out.opml"
        code, _, _ = await alertbot("feeds", "export-opml", str(opml), "--config", cfg)
        assert code == 0 and srv.url("/ai.xml") in opml.read_text()
        code, out, _ = await alertbot("feeds", "remove", "ai news", "--config", cfg)
        assert code == 0 and "removed AI News" in out
        code, out, err = await alertbot("feeds", "import-opml", str(opml), "--config", cfg)
        assert code == 0 and "imported 1 sources (0 skipped)" in out, err
        code, out, _ = await alertbot("feeds", "list", "--config", cfg)
        assert "AI News" in out


async def test_check_config_reports_mistakes_and_exits_non_zero(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, '[[sources]]\nname = "A"\nurl = "https://a"\ninterval = "often"\n')
    code, _, err = await alertbot("check-config", "--config", str(cfg))
    assert code == 2
    assert "sources[0].interval = 'often': expected a duration" in err
    good = write_config(tmp_path, "")
    code, out, _ = await alertbot("--config", str(good), "check-config")
    assert code == 0 and "OK" in out


async def test_run_stops_cleanly_on_sigterm_after_delivering(tmp_path: Path) -> None:
    async with FeedServer() as srv, WebhookReceiver() as hook:
        srv.set_feed("/ai.xml", rss([ENTRY]))
        cfg = write_config(tmp_path, f'backfill = "all"\ninterval = "1h"\n'
                           f'[[sources]]\nname = "AI"\nurl = "{srv.url("/ai.xml")}"\n'
                           f'[[routes]]\nplatform = "webhook"\nurl = "{hook.url}"\n')
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", "--config", str(cfg), "-v",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        for _ in range(300):  # one source: its first poll starts within a second
            if hook.received or proc.returncode is not None:
                break
            await asyncio.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, err.decode()
        assert [r["title"] for r in hook.received] == [ENTRY.title]
        assert "stop requested" in err.decode()


async def test_outbox_shows_failures_and_retry_sends_them_once(tmp_path: Path) -> None:
    async with FeedServer() as srv, WebhookReceiver() as hook:
        srv.set_feed("/ai.xml", rss([ENTRY]))
        cfg = str(write_config(tmp_path, f'backfill = "all"\n[delivery]\nmax_attempts = 1\n'
                               f'[[sources]]\nname = "AI"\nurl = "{srv.url("/ai.xml")}"\n'
                               f'[[routes]]\nplatform = "webhook"\nurl = "{hook.url}"\n'))
        hook.fail_next(503)  # one try only: the alert is kept as failed
        code, _, err = await alertbot("run", "--once", "--config", cfg)
        assert code == 0 and "0 alerts sent, 1 failed" in err and hook.received == []
        code, out, _ = await alertbot("outbox", "--config", cfg)
        assert "webhook          failed        1" in out and "HTTP 503" in out
        code, out, _ = await alertbot("outbox", "--retry", "--config", cfg)
        assert "1 failed alerts queued again" in out
        code, _, _ = await alertbot("run", "--once", "--config", cfg)
        code, _, _ = await alertbot("run", "--once", "--config", cfg)
        assert [r["title"] for r in hook.received] == [ENTRY.title]
        code, out, _ = await alertbot("outbox", "--config", cfg)
        assert "webhook          sent          1" in out
