"""`link`: malformed links and, when an allowed-domain list is given, off-site links.
Whether a link is alive is checked asynchronously by a flow, not here."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from checking.checks.spans import finding
from checking.findings import Category, Finding, Severity

STOP = "\\s<>\"'，。；！？、（）()【】《》“”‘’\u4e00-\u9fff"
URL = re.compile(f"(?i)(?<![a-z0-9@._-])(?:h[tp]{{1,5}}s?|ftp)\\s?[:：;]?\\s?[/\\\\]{{1,3}}[^{STOP}]*|(?<![a-z0-9@/._-])www\\.[^{STOP}]+")
GOOD_SCHEME = re.compile(r"(?i)^(?:https?|ftp)://(?!/)")
LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
IPV4 = re.compile(r"^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$")

RULE_MALFORMED = "link.malformed"
RULE_OFFSITE = "link.off-site"


MARKERS = ("//", ":/", "：/", "\\\\", "www.", "WWW.")


def url_spans(text: str) -> list[tuple[int, int]]:
    if not any(marker in text for marker in MARKERS):
        return []
    return [_strip(text, m.start(), m.end()) for m in URL.finditer(text)]


def check(text: str, allowed_domains: Collection[str] = (), spans: list[tuple[int, int]] | None = None) -> list[Finding]:
    """``spans`` are the ``url_spans(text)`` when the caller has them already."""
    out = []
    allowed = tuple(d.lower().lstrip(".") for d in allowed_domains)
    for start, end in url_spans(text) if spans is None else spans:
        url = text[start:end]
        problem = _problem(url)
        if problem:
            out.append(finding(text, RULE_MALFORMED, Category.LINK, Severity.WARNING, start, end, None,
                               f"链接格式错误：{problem}"))
            continue
        host = _host(url)
        if allowed and not any(host == d or host.endswith("." + d) for d in allowed):
            out.append(finding(text, RULE_OFFSITE, Category.LINK, Severity.WARNING, start, end, None,
                               f"站外链接（{host}），请确认链接内容并按规定提示“即将离开本网站”"))
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in ".,;:!?)]}":
        end -= 1
    return start, end


def _host(url: str) -> str:
    if url.lower().startswith("www."):
        url = "http://" + url
    return (urlsplit(url).hostname or "").lower()


def _problem(url: str) -> str | None:
    if not url.lower().startswith("www.") and not GOOD_SCHEME.match(url):
        return "协议头应为 http:// 或 https://"
    candidate = url if not url.lower().startswith("www.") else "http://" + url
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError:
        return "端口或地址无效"
    del port
    host = (parts.hostname or "").lower()
    if not host:
        return "缺少域名"
    if IPV4.match(host):
        return None
    labels = host.split(".")
    if len(labels) < 2 or not all(LABEL.match(label) for label in labels):
        return f"域名“{host}”无效"
    if not re.fullmatch(r"[a-z]{2,24}|xn--[a-z0-9-]+", labels[-1]):
        return f"顶级域名“{labels[-1]}”无效"
    return None


@dataclass(frozen=True)
class UrlSpan:
    start: int
    end: int
    text: str  # as written in the text
    url: str  # with a scheme ("www." links read as http://)
    problem: str | None  # why the link is malformed, in Chinese; None if it is well formed


def find_urls(text: str) -> list[UrlSpan]:
    """Every link of ``text`` as this check sees it (the spans of :func:`url_spans`)."""
    out = []
    for start, end in url_spans(text):
        written = text[start:end]
        url = "http://" + written if written.lower().startswith("www.") else written
        out.append(UrlSpan(start, end, written, url, _problem(written)))
    return out
