"""Status text to sanitised HTML: markdown-it-py for Markdown, nh3 (ammonia) to sanitise."""

from .formatter import HtmlFormatter

__all__ = ["HtmlFormatter"]
