"""The `mastodon` source type: an account's public posts or a hashtag, via the REST API."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from bot.fetch import Fetcher, FetchError
from bot.models import Item
from bot.parse import html_to_text, item_key, parse_iso, split_post
from bot.sources import Polled
from bot.sources.ratelimit import RateGate, gated_json
from bot.storage import SourceRow

PAGE = 40  # the API's maximum `limit` for statuses
MAX_PAGES = 5  # catching up after downtime: at most this many pages per poll

# Usernames are [A-Za-z0-9_]; /@user.rss is the instance's own RSS feed (type feed).
_ACCOUNT = re.compile(r"^/@([A-Za-z0-9_]+(?:@[A-Za-z0-9.-]+)?)/?$")
_USERS = re.compile(r"^/users/([A-Za-z0-9_]+)/?$")
_TAG = re.compile(r"^/tags/([^/]+)/?$")
# Sites with /@name URLs that are not Mastodon (they have their own feeds or none).
_NOT_MASTODON = ("medium.com", "youtube.com", "tiktok.com", "threads.net", "threads.com",
                 "bsky.app", "x.com", "twitter.com", "substack.com", "github.com")
# /tags/NAME is common on blogs too: detect it only on hosts that are plainly Mastodon.
_KNOWN_INSTANCES = ("mastodon.social", "mas.to", "mastodon.online", "fosstodon.org",
                    "hachyderm.io", "infosec.exchange", "mstdn.social", "techhub.social",
                    "journa.host", "newsie.social", "mastodon.world", "social.vivaldi.net")
_LINE_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.I)


@dataclass(frozen=True, slots=True)
class Target:
    """What a Mastodon URL points at: an account (acct) or a hashtag, on an instance."""

    instance: str  # https://host
    acct: str = ""
    tag: str = ""


def parse_target(url: str) -> Target | None:
    """The account or hashtag a Mastodon web URL names, or None."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if any(host == d or host.endswith("." + d) for d in _NOT_MASTODON):
        return None
    instance = f"{parts.scheme}://{parts.netloc}"
    path = unquote(parts.path)
    if path.endswith(".rss"):
        return None
    if m := _ACCOUNT.match(path) or _USERS.match(path):
        return Target(instance, acct=m.group(1))
    if m := _TAG.match(path):
        return Target(instance, tag=m.group(1).lstrip("#"))
    return None


def post_text(content: str) -> str:
    """Plain text of post HTML, keeping paragraph and line breaks as newlines."""
    lines = (html_to_text(part) for part in _LINE_BREAK.split(content))
    return "\n".join(line for line in lines if line)


def load_cursor(raw: str | None) -> dict[str, Any]:
    """The JSON cursor an API source saved, or {} (a broken one restarts the source)."""
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _id_order(status_id: str) -> tuple[int, str]:
    # Mastodon ids are numeric strings, Pleroma/Akkoma flake ids fixed-length: both sort so.
    return (len(status_id), status_id)


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def author_of(account: dict[str, Any], instance_host: str) -> str:
    """'Display Name (@user@host)', or '@user@host' without a display name."""
    acct = str(account.get("acct") or account.get("username") or "")
    if acct and "@" not in acct:
        acct = f"{acct}@{instance_host}"  # local accounts come without their domain
    name = html_to_text(str(account.get("display_name") or ""))
    return f"{name} (@{acct})" if name else f"@{acct}"


def status_item(status: dict[str, Any], instance_host: str) -> Item:
    """One status (or the original of a boost) as an Item; a link card gives title/summary."""
    reblog = status.get("reblog")
    orig: dict[str, Any] = reblog if isinstance(reblog, dict) else status
    text = post_text(str(orig.get("content") or ""))
    cw = html_to_text(str(orig.get("spoiler_text") or ""))
    if cw:
        text = f"{cw}\n{text}" if text else cw
    card = _obj(orig.get("card")) or None
    card_title = html_to_text(str(card.get("title") or "")) if card else ""
    if card and card_title:
        title = card_title
        desc = html_to_text(str(card.get("description") or ""))
        summary = " ".join(p for p in (text.replace("\n", " "), desc) if p)
    else:
        title, summary = split_post(text)
        summary = " ".join(summary.split())
    account = _obj(orig.get("account"))
    link = str(orig.get("url") or orig.get("uri") or "")
    # The original's URI: a boost and its original are one item.
    key = item_key(str(orig.get("uri") or ""), link, title, summary)
    return Item(key=key, title=title, summary=summary, link=link,
                published=parse_iso(orig.get("created_at")),
                author=author_of(account, instance_host),
                lang=(str(orig["language"]).lower() if orig.get("language") else None))


def _api_error(e: FetchError, what: str, host: str) -> FetchError:
    """A clearer error for the statuses that mean something for an account or tag."""
    if e.status == 404:
        return FetchError("not_found", f"{what} not found on {host} (deleted, or the handle "
                          "changed?)", status=404)
    if e.status == 410:
        return FetchError("gone", f"{what} is gone from {host} (suspended or deleted)",
                          status=410)
    if e.status in (401, 403):
        return FetchError("private", f"{host} does not show {what} without signing in "
                          "(private account, or the instance requires authentication)",
                          status=e.status)
    return e


class MastodonSource:
    """Public posts of one account or hashtag; replies and boosts left out by default."""

    name = "mastodon"

    def __init__(self, gate: RateGate | None = None) -> None:
        self.gate = gate or RateGate()

    def matches(self, url: str) -> bool:
        """True for https://INSTANCE/@user, and /tags/TAG on hosts that are plainly Mastodon."""
        target = parse_target(url)
        if target is None or "/users/" in url:
            return False  # /users/NAME is too common elsewhere; type = "mastodon" still works
        if target.acct:
            return True
        host = urlsplit(target.instance).hostname or ""
        return host in _KNOWN_INSTANCES or "mastodon" in host or "mstdn" in host

    async def poll(self, fetcher: Fetcher, source: SourceRow) -> Polled:
        """Look the account up, then fetch statuses newer than the cursor (paging back)."""
        target = parse_target(source.url)
        if target is None:
            raise FetchError("config", f"not a Mastodon account or hashtag URL: {source.url} "
                             "(expected https://INSTANCE/@user or https://INSTANCE/tags/TAG)")
        base = str(source.settings.get("api_url") or target.instance).rstrip("/")
        host = urlsplit(target.instance).hostname or ""
        replies = bool(source.settings.get("replies", False))
        boosts = bool(source.settings.get("boosts", False))
        state = load_cursor(source.cursor)
        since = state.get("since")
        params = {"limit": str(PAGE)}
        locked = False
        if target.acct:
            what = f"account @{target.acct}"
            account = await self._lookup(fetcher, base, target.acct, host)
            locked = bool(account.get("locked"))
            title = f"{author_of(account, host)} on Mastodon"
            url = f"{base}/api/v1/accounts/{quote(str(account['id']), safe='')}/statuses"
            params |= {"exclude_replies": str(not replies).lower(),
                       "exclude_reblogs": str(not boosts).lower()}
        else:
            what = f"hashtag #{target.tag}"
            title = f"#{target.tag} on {host}"
            url = f"{base}/api/v1/timelines/tag/{quote(target.tag, safe='')}"
        statuses = await self._statuses(fetcher, url, params, since, what, host)
        if not statuses and locked and since is None:
            raise FetchError("private", f"account @{target.acct} on {host} is private "
                             "(locked) and shows no public posts")
        items, keys = [], set()
        for st in statuses:
            if st.get("in_reply_to_id") and not replies:
                continue  # tag timelines have no exclude_replies switch
            if st.get("reblog") and not boosts:
                continue
            item = status_item(st, host)
            if item.key not in keys:  # a boost of a post in the same page is that post
                keys.add(item.key)
                items.append(item)
        ids = [str(st["id"]) for st in statuses if st.get("id")]
        newest = max(ids + ([str(since)] if since else []), key=_id_order, default=None)
        cursor = json.dumps({"since": newest}) if newest else source.cursor
        return Polled("ok", items, title, cursor=cursor)

    async def _lookup(self, fetcher: Fetcher, base: str, acct: str,
                      host: str) -> dict[str, Any]:
        try:
            data, _ = await gated_json(self.gate, fetcher, f"{base}/api/v1/accounts/lookup",
                                       params={"acct": acct})
        except FetchError as e:
            raise _api_error(e, f"Mastodon account @{acct}", host) from None
        if not isinstance(data, dict) or "id" not in data:
            raise FetchError("parse", f"unexpected account lookup answer from {host}")
        if data.get("suspended"):
            raise FetchError("gone", f"Mastodon account @{acct} on {host} is suspended")
        moved = data.get("moved")
        if isinstance(moved, dict):
            raise FetchError("moved", f"Mastodon account @{acct} moved to "
                             f"@{moved.get('acct')} ({moved.get('url')}): follow that URL "
                             "instead")
        return data

    async def _statuses(self, fetcher: Fetcher, url: str, params: dict[str, str],
                        since: str | None, what: str, host: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        query = dict(params)
        if since:
            query["since_id"] = str(since)
        for _ in range(MAX_PAGES if since else 1):
            try:
                page, _ = await gated_json(self.gate, fetcher, url, params=query)
            except FetchError as e:
                raise _api_error(e, what, host) from None
            if not isinstance(page, list):
                raise FetchError("parse", f"expected a list of statuses from {url}, got "
                                 f"{type(page).__name__}")
            page = [s for s in page if isinstance(s, dict) and s.get("id")]
            out.extend(page)
            if len(page) < PAGE:
                break
            # A full page: older statuses newer than `since` may remain; page back to them.
            query["max_id"] = min((str(s["id"]) for s in page), key=_id_order)
        return out
