"""The few HTML pages plerome serves: the OAuth authorize form, its code page and its error page.

Plain HTML with inline CSS: no JavaScript, nothing fetched from elsewhere. Every value that came from a
request or from an app's registration is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from starlette.responses import HTMLResponse

# Forbid framing (clickjacking the Authorize button) and every fetch. No form-action directive:
# browsers apply it to the redirect after the form is sent, which must reach the app's own URI.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#222}"
    "h1{font-size:1.3rem}label{display:block;margin:.8rem 0 .2rem}"
    "input[type=text],input[type=password]{width:100%;padding:.4rem;box-sizing:border-box}"
    "button{margin-top:1rem;padding:.5rem 1.2rem}.error{color:#a00;font-weight:bold}"
    "code{font-size:1.1rem;word-break:break-all;background:#f2f2f2;padding:.3rem}"
    "ul{padding-left:1.2rem}"
)


def page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    html = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


@dataclass(frozen=True, slots=True)
class AuthorizeForm:
    """What the authorize form shows and sends back."""

    action: str  # the form's own path (with any mount prefix)
    instance: str
    app_name: str
    app_website: str | None
    scopes: Sequence[str]
    hidden: Mapping[str, str]  # client_id, redirect_uri, scope, state, response_type
    login: str = ""
    session_nickname: str | None = None  # set: the confirm-only form for a logged-in browser
    csrf: str = ""
    switch_user_url: str = ""


def _hidden(fields: Mapping[str, str]) -> str:
    return "".join(
        f'<input type="hidden" name="authorization[{escape(k)}]" value="{escape(v)}">'
        for k, v in fields.items()
    )


def authorize_page(form: AuthorizeForm, error: str | None = None, status_code: int = 200) -> HTMLResponse:
    app = escape(form.app_name)
    if form.app_website and form.app_website.startswith(("https://", "http://")):
        app = f'<a href="{escape(form.app_website)}" rel="noreferrer noopener">{app}</a>'
    scopes = "".join(f"<li>{escape(s)}</li>" for s in form.scopes)
    parts = [f"<h1>{escape(form.instance)}</h1>"]
    if error:
        parts.append(f'<p class="error" role="alert">{escape(error)}</p>')
    if form.session_nickname is not None:
        parts.append(f"<p>Authorize {app} as <strong>{escape(form.session_nickname)}</strong>?</p>")
    else:
        parts.append(f"<p>{app} wants to use your account.</p>")
    parts.append(f"<p>It asks for these permissions:</p><ul>{scopes}</ul>")
    parts.append(f'<form method="post" action="{escape(form.action)}">{_hidden(form.hidden)}')
    if form.session_nickname is not None:
        parts.append(_hidden({"csrf": form.csrf}))
        parts.append('<button type="submit">Authorize</button></form>')
        parts.append(f'<p><a href="{escape(form.switch_user_url)}">Sign in as someone else</a></p>')
    else:
        parts.append(
            '<label for="name">Username or email</label>'
            '<input type="text" id="name" name="authorization[name]" autocomplete="username"'
            f' autocapitalize="none" required value="{escape(form.login)}">'
            '<label for="password">Password</label>'
            '<input type="password" id="password" name="authorization[password]"'
            ' autocomplete="current-password" required>'
            '<button type="submit">Log in and authorize</button></form>'
        )
    return page(f"Authorize {form.app_name}", "".join(parts), status_code)


@dataclass(frozen=True, slots=True)
class MfaForm:
    """The authorize form's second step: the one-time code of an account with MFA on."""

    action: str  # /oauth/mfa/verify (with any mount prefix)
    instance: str
    mfa_token: str
    state: str | None = None


def mfa_page(form: MfaForm, error: str | None = None, status_code: int = 200) -> HTMLResponse:
    hidden = {"mfa_token": form.mfa_token, **({"state": form.state} if form.state else {})}
    fields = "".join(
        f'<input type="hidden" name="mfa[{escape(k)}]" value="{escape(v)}">' for k, v in hidden.items()
    )
    parts = [f"<h1>{escape(form.instance)}</h1>"]
    if error:
        parts.append(f'<p class="error" role="alert">{escape(error)}</p>')
    parts.append(
        "<p>This account uses two-factor authentication.</p>"
        f'<form method="post" action="{escape(form.action)}">{fields}'
        '<label for="challenge_type">Code from</label>'
        '<select id="challenge_type" name="mfa[challenge_type]">'
        '<option value="totp" selected>your authenticator app</option>'
        '<option value="recovery">a backup code</option></select>'
        '<label for="code">Code</label>'
        '<input type="text" id="code" name="mfa[code]" autocomplete="one-time-code" autocapitalize="none"'
        ' spellcheck="false" required autofocus>'
        '<button type="submit">Verify</button></form>'
    )
    return page("Two-factor authentication", "".join(parts), status_code)


def code_page(instance: str, app_name: str, code: str) -> HTMLResponse:
    """For apps registered with the out-of-band redirect: the user copies the code into the app."""
    body = (
        f"<h1>{escape(instance)}</h1>"
        f"<p>Copy this code into {escape(app_name)} to finish signing in:</p>"
        f"<p><code>{escape(code)}</code></p>"
    )
    return page("Authorization code", body)


def error_page(instance: str, message: str, status_code: int) -> HTMLResponse:
    body = f'<h1>{escape(instance)}</h1><p class="error" role="alert">{escape(message)}</p>'
    return page("Authorization failed", body, status_code)
