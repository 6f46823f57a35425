"""What an author wrote, as the HTML a status shows.

text/plain is escaped, its URLs linked and its line breaks kept. text/markdown is rendered by
markdown-it-py; that output and text/html are sanitised by nh3 (ammonia) to a small set of tags. Then,
in every text node outside links and code, URLs, @mentions of local accounts and #hashtags become links.
The links made here are written from escaped parts, after sanitising, so no input reaches them raw.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from html.parser import HTMLParser
from urllib.parse import quote

import nh3
from markdown_it import MarkdownIt

from plerome.domain.statuses import HASHTAG, MENTION

_URL = r"[Hh][Tt][Tt][Pp][Ss]?://[^\s<>\"'`]+"
_TOKENS = re.compile(f"(?P<url>{_URL})|(?P<mention>{MENTION.pattern})|(?P<tag>{HASHTAG.pattern})")
_TRAILING = ".,;:!?'\"*"
_NOT_LINKED_IN = {"a", "code", "pre"}
_BREAK = re.compile(r"<br\s*/?>\n?")
LINK_REL = "nofollow noopener noreferrer"

_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "cite", "code", "del", "dfn", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "samp", "small",
    "span", "strike", "strong", "sub", "sup", "u", "ul", "var",
}  # fmt: skip


_ABSOLUTE = re.compile(r"(?i)(https?|mailto):")


def _absolute_links_only(element: str, attribute: str, value: str) -> str | None:
    """A link leads somewhere on the web or nowhere: relative hrefs mean nothing in a status that
    other sites show."""
    if attribute == "href" and not _ABSOLUTE.match(value):
        return None
    return value


def _trim_url(url: str) -> str:
    """A URL without the punctuation that ends the sentence around it (a ")" only when unbalanced)."""
    while url:
        last = url[-1]
        if last in _TRAILING or (last == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


class _Linker:
    """Links URLs, known @mentions and hashtags in one stretch of plain text; escapes the rest."""

    def __init__(self, mentions: Mapping[str, str], tags: Sequence[str], base_url: str) -> None:
        self._people = {nick.casefold(): (nick, url) for nick, url in mentions.items()}
        self._tags = {t.casefold() for t in tags}
        self._base = base_url.rstrip("/")
        self._host = base_url.split("://", 1)[-1].split("/", 1)[0].lower()

    def __call__(self, text: str) -> str:
        out, at = [], 0
        for m in _TOKENS.finditer(text):
            start = m.start()
            if start < at:
                continue
            html, end = self._token(text, m)
            if html is None:
                continue
            out.append(escape(text[at:start], quote=False))
            out.append(html)
            at = end
        out.append(escape(text[at:], quote=False))
        return "".join(out)

    def _token(self, text: str, m: re.Match[str]) -> tuple[str | None, int]:
        if m.group("url"):
            url = _trim_url(m.group("url"))
            if "://" not in url or url.endswith("://"):
                return None, m.end()
            href = escape(url, quote=True)
            return f'<a href="{href}" rel="{LINK_REL}">{escape(url, quote=False)}</a>', m.start() + len(url)
        if m.group("mention"):
            found = MENTION.match(text, m.start("mention"))
            assert found is not None
            nickname, host = found.group(1), found.group(2)
            person = self._people.get(nickname.casefold())
            if person is None or (host is not None and host.lower() != self._host):
                return None, m.end()
            nick, url = person
            return (
                f'<span class="h-card"><a class="u-url mention" href="{escape(url, quote=True)}" rel="ugc">'
                f"@<span>{escape(nick, quote=False)}</span></a></span>",
                m.end(),
            )
        found = HASHTAG.match(text, m.start("tag"))
        assert found is not None
        tag = found.group(1)
        if tag.casefold() not in self._tags:
            return None, m.end()
        href = escape(f"{self._base}/tag/{quote(tag.casefold(), safe='')}", quote=True)
        return f'<a class="hashtag" href="{href}" rel="tag ugc">#{escape(tag, quote=False)}</a>', m.end()


class _TextNodes(HTMLParser):
    """Re-writes sanitised HTML with `link` applied to its text outside links and code."""

    def __init__(self, link: _Linker) -> None:
        super().__init__(convert_charrefs=True)
        self._link = link
        self._out: list[str] = []
        self._inside = 0  # depth of a, code and pre

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._out.append(self.get_starttag_text() or "")
        if tag in _NOT_LINKED_IN:
            self._inside += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self._out.append(f"</{tag}>")
        if tag in _NOT_LINKED_IN and self._inside:
            self._inside -= 1

    def handle_data(self, data: str) -> None:
        self._out.append(escape(data, quote=False) if self._inside else self._link(data))

    def result(self, html: str) -> str:
        self.feed(html)
        self.close()
        return "".join(self._out)


class HtmlFormatter:
    """The Formatter port. Stateless once built: safe to share between requests."""

    def __init__(self) -> None:
        self._markdown = MarkdownIt("commonmark", {"html": True, "breaks": True}).enable("strikethrough")
        self._clean = nh3.Cleaner(
            tags=_TAGS,
            attributes={"a": {"href", "title"}, "abbr": {"title"}},
            url_schemes={"http", "https", "mailto"},
            link_rel=LINK_REL,
            strip_comments=True,
            attribute_filter=_absolute_links_only,
        ).clean

    def render(
        self, text: str, content_type: str, mentions: Mapping[str, str], tags: Sequence[str], base_url: str
    ) -> str:
        link = _Linker(mentions, tags, base_url)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if content_type == "text/markdown":
            html = self._clean(self._markdown.render(text))
            # No line breaks between blocks or after <br> (clients may show them); code keeps its own.
            html = re.sub(r">\n+(?=<)", ">", _BREAK.sub("<br/>", html)).strip()
        elif content_type == "text/html":
            html = self._clean(text)
        else:
            return "<br/>".join(link(line) for line in text.split("\n"))
        return _TextNodes(link).result(html)
