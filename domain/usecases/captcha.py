"""The captcha asked for at sign-up: issued by GET /api/v1/pleroma/captcha, answered once."""

from __future__ import annotations

from dataclasses import dataclass

from plerome.domain.captcha import (
    ALREADY_USED,
    EXPIRED,
    FIELDS,
    INVALID,
    INVALID_ANSWER_DATA,
    SECONDS_VALID,
    CaptchaChallenge,
    CaptchaRefused,
    lifetime,
    missing_field,
    normalise_answer,
)

from .context import Context


@dataclass(frozen=True, slots=True)
class CaptchaOffer:
    token: str
    png: bytes
    answer_data: str
    seconds_valid: int


@dataclass(frozen=True, slots=True)
class CaptchaAnswer:
    solution: str | None
    token: str | None
    answer_data: str | None


async def new_captcha(ctx: Context) -> CaptchaOffer | None:
    """A new challenge, or None when this instance asks for no captcha."""
    if ctx.captcha is None:
        return None
    image = await ctx.captcha.draw()
    token, answer_data = ctx.secrets.token(), ctx.secrets.token()
    now = ctx.clock.now()
    await ctx.stores.captchas.add(
        CaptchaChallenge(
            token_hash=ctx.secrets.digest(token),
            answer_hash=ctx.secrets.digest(normalise_answer(image.answer)),
            answer_data_hash=ctx.secrets.digest(answer_data),
            created_at=now,
            valid_until=now + lifetime(),
        )
    )
    return CaptchaOffer(token=token, png=image.png, answer_data=answer_data, seconds_valid=SECONDS_VALID)


async def solve_captcha(ctx: Context, answer: CaptchaAnswer) -> None:
    """CaptchaRefused unless the answer is right. Each challenge is checked once, right or wrong."""
    given = {
        "captcha_solution": answer.solution,
        "captcha_token": answer.token,
        "captcha_answer_data": answer.answer_data,
    }
    for name in FIELDS:
        if not given[name]:
            raise missing_field(name)
    assert answer.token is not None and answer.solution is not None and answer.answer_data is not None
    token_hash = ctx.secrets.digest(answer.token)
    challenge = await ctx.stores.captchas.take(token_hash)
    if challenge is None:
        raise CaptchaRefused(ALREADY_USED if await ctx.stores.captchas.known(token_hash) else INVALID)
    if not challenge.is_valid(ctx.clock.now()):
        raise CaptchaRefused(EXPIRED)
    if ctx.secrets.digest(answer.answer_data) != challenge.answer_data_hash:
        raise CaptchaRefused(INVALID_ANSWER_DATA)
    if ctx.secrets.digest(normalise_answer(answer.solution)) != challenge.answer_hash:
        raise CaptchaRefused(INVALID)
