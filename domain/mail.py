"""The emails plerome sends, as plain text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    text: str


def confirmation_link(base_url: str, account_id: str, token: str) -> str:
    return f"{base_url}/api/account/confirm_email/{account_id}/{token}"


def confirmation_mail(instance: str, nickname: str, email: str, link: str) -> Mail:
    text = (
        f"Hello {nickname},\n\n"
        f"someone (hopefully you) registered an account on {instance} with this email address.\n"
        "Follow this link to confirm it:\n\n"
        f"{link}\n\n"
        "If it was not you, ignore this message: the account stays unconfirmed and cannot log in.\n"
    )
    return Mail(to=email, subject=f"{instance}: confirm your email address", text=text)
