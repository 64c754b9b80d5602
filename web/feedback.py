"""Feedback where the eye is: a view tags its message with the part of the page it concerns (the
element id the page returns to), and the page shows it there (the `feedback` template tag), not
at the top of a long page. app.js brings the message into view and focus after each action."""

from __future__ import annotations

from django.contrib import messages


def at(*parts) -> str:
    """The part's id, e.g. at("comment", 12) == "comment-12"."""
    return "-".join(str(part) for part in parts)


def success(request, text: str, *parts) -> None:
    messages.success(request, text, extra_tags=at(*parts))


def info(request, text: str, *parts) -> None:
    messages.info(request, text, extra_tags=at(*parts))


def warning(request, text: str, *parts) -> None:
    messages.warning(request, text, extra_tags=at(*parts))


def error(request, text: str, *parts) -> None:
    messages.error(request, text, extra_tags=at(*parts))
