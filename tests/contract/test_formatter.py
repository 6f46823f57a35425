"""The formatter: safe HTML from plain text, Markdown and HTML, with mentions, hashtags and links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plerome.adapters.html import HtmlFormatter
from plerome.domain.usecases.context import EscapingFormatter

BASE = "http://127.0.0.1:4000"
ALICE = {"alice": f"{BASE}/users/alice"}
MENTION = (
    f'<span class="h-card"><a class="u-url mention" href="{BASE}/users/alice" rel="ugc">'
    "@<span>alice</span></a></span>"
)
TYPES = ["text/plain", "text/markdown", "text/html"]
formatter = HtmlFormatter()


def render(text: str, content_type: str = "text/plain", mentions=ALICE, tags=("cats",)) -> str:
    return formatter.render(text, content_type, mentions, list(tags), BASE)


def test_plain_text_is_escaped_with_its_line_breaks():
    assert render('<b>hi</b> & "you"\nbye') == '&lt;b&gt;hi&lt;/b&gt; &amp; "you"<br/>bye'


def test_urls_with_safe_schemes_become_links_without_the_sentence_around_them():
    link = '<a href="https://ex.com/a_(b)?x=1&amp;y=2" rel="nofollow noopener noreferrer">'
    assert render("see https://ex.com/a_(b)?x=1&y=2.") == f"see {link}https://ex.com/a_(b)?x=1&amp;y=2</a>."
    assert render("(at http://ex.com)") == (
        '(at <a href="http://ex.com" rel="nofollow noopener noreferrer">http://ex.com</a>)'
    )
    assert "<a" not in render("javascript:alert(1) ftp://ex.com data:text/html,x")


@pytest.mark.parametrize("content_type", TYPES)
def test_a_local_mention_becomes_an_h_card_link_in_every_type(content_type):
    out = render("hi @Alice!", content_type)
    assert MENTION in out
    assert out.count("<a ") == 1


@pytest.mark.parametrize(
    "text",
    ["@bob", "@alice@other.example", "bob@alice.example", "@alice@elsewhere.example:4000"],
)
def test_unknown_and_remote_mentions_and_emails_stay_text(text):
    assert render(text) == text


def test_a_mention_of_this_host_spelled_in_full_is_local():
    assert render("@alice@127.0.0.1:4000") == MENTION


@pytest.mark.parametrize("content_type", TYPES)
def test_hashtags_link_to_their_tag_page(content_type):
    out = render("I like #Cats and #dogs", content_type)
    assert f'<a class="hashtag" href="{BASE}/tag/cats" rel="tag ugc">#Cats</a>' in out
    assert "#dogs" in out and "/tag/dogs" not in out  # only the tags given are linked


def test_markdown_is_rendered_then_sanitised():
    out = render(
        "**bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://ex.com)", "text/markdown"
    )
    assert out.startswith("<p><strong>bold</strong>")
    assert "<script" not in out and "alert(1)</script>" not in out
    assert 'href="javascript' not in out
    assert '<a href="https://ex.com" rel="nofollow noopener noreferrer">ok</a>' in out


def test_markdown_keeps_line_breaks_and_leaves_code_alone():
    out = render("one\ntwo `@alice #cats`\n\n    @alice", "text/markdown")
    assert out == "<p>one<br/>two <code>@alice #cats</code></p><pre><code>@alice\n</code></pre>"


def test_html_is_sanitised_and_its_links_keep_their_text():
    out = render(
        '<p onclick="x()" class="y">hi <a href="https://e.x" target="_top">@alice</a> @alice</p>'
        '<img src="x" onerror="y()"><iframe src="https://e.x"></iframe><a href="vbscript:x">v</a>',
        "text/html",
    )
    assert render('<a href="/relative">r</a> <a href="">e</a>', "text/html") == (
        '<a rel="nofollow noopener noreferrer">r</a> <a rel="nofollow noopener noreferrer">e</a>'
    )
    assert out == (
        '<p>hi <a href="https://e.x" rel="nofollow noopener noreferrer">@alice</a> '
        f"{MENTION}</p>"
        '<a rel="nofollow noopener noreferrer">v</a>'
    )


def test_the_default_formatter_only_escapes():
    out = EscapingFormatter().render("<i>@alice</i>\n#cats", "text/html", ALICE, ["cats"], BASE)
    assert out == "&lt;i&gt;@alice&lt;/i&gt;<br/>#cats"


# -- whatever the input, the output is harmless


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


ALLOWED_ATTRIBUTES = {"href", "rel", "class", "title"}
PIECES = [*"<>&\"'=/ :@#aAbjs()[]*`\n", "script", "javascript:", "on", "https://", "<a href=", "@alice"]
text = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=text, content_type=st.sampled_from(TYPES))
def test_no_input_yields_scripts_handlers_or_unsafe_links(text, content_type):
    for fmt in (formatter, EscapingFormatter()):
        out = fmt.render(text, content_type, ALICE, ["cats"], BASE)
        parser = Tags()
        parser.feed(out)
        parser.close()
        for tag, attrs in parser.tags:
            assert tag not in ("script", "style", "iframe", "img", "object")
            assert set(attrs) <= ALLOWED_ATTRIBUTES, (tag, attrs)
            href = attrs.get("href")
            assert href is None or re.match(r"(https?|mailto):", href), href
