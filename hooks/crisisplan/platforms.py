"""The platforms a channel can be on, in one table.

Everything crisisplan knows about a platform is here: its name in the
handbook and in change lists, the longest post a holding statement may be,
and how the platform counts that length.  The choices for `platform` in
`schema/channels.yaml` are this table's keys; a test keeps the two equal, so
a new platform is added here and to that list.

Limits are those of the post, reply or message a holding statement goes out
as.  A platform without a fixed limit worth checking has `limit=None`; a
channel can always set its own with `max_post_length` (counted the
platform's way).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# How a platform counts a post's length.
CHARACTERS = "characters"  # Unicode characters
X_WEIGHTED = "x"           # X: a link counts as 23, CJK and other wide characters as 2
UTF16 = "utf-16"           # UTF-16 code units: an emoji outside the BMP counts as 2
UTF8_BYTES = "utf-8 bytes"  # bytes of UTF-8: a Chinese character counts as 3


@dataclass(frozen=True)
class Platform:
    name: str                   # as the handbook shows it
    limit: int | None = None    # the longest post, in `counts` units; None: no fixed limit
    counts: str = CHARACTERS
    in_text: str | None = None  # how a sentence names it, when not by its name ("the website")

    @property
    def unit(self) -> str:
        """The unit of its limit in words: "characters" or "bytes"."""
        return "bytes" if self.counts == UTF8_BYTES else "characters"


PLATFORMS: dict[str, Platform] = {
    "x": Platform("X", 280, X_WEIGHTED),
    "facebook": Platform("Facebook", 63206),
    "instagram": Platform("Instagram", 2200),  # caption
    "threads": Platform("Threads", 500),
    "linkedin": Platform("LinkedIn", 3000),
    "tiktok": Platform("TikTok", 2200),  # caption
    "youtube": Platform("YouTube", 5000),  # description
    "bluesky": Platform("Bluesky", 300),
    "mastodon": Platform("Mastodon", 500),  # the default of most servers
    "whatsapp": Platform("WhatsApp", 65536),
    # LINE official account (LINE 官方帳號): a text message holds 5,000
    # characters, which the Messaging API counts in UTF-16 code units.
    "line": Platform("LINE", 5000, UTF16),
    # PTT (批踢踢): an article has no fixed length.  A push (推文) is one line
    # of at most 62 bytes minus the user id's length in Big5, where a Chinese
    # character takes 2: about 25 characters (pttbbs mbbsd/bbs.c, recommend()).
    # A channel whose statements are pushes sets `max_post_length`.
    "ptt": Platform("PTT"),
    # Dcard: posts and comments of a brand account; no published limit.
    "dcard": Platform("Dcard"),
    # The owner's reply to a Google Maps review (Google Business Profile):
    # at most 4,096 bytes of UTF-8 (ReviewReply.comment in the Business
    # Profile API), so about 1,365 Chinese characters.
    "google-maps-reviews": Platform("Google Maps reviews", 4096, UTF8_BYTES),
    # LIHKG (連登), the Hong Kong forum; no published limit.
    "lihkg": Platform("LIHKG"),
    "wechat": Platform("WeChat"),  # official account articles; no fixed limit checked
    "weibo": Platform("Weibo"),    # no fixed limit checked
    "website": Platform("Website", in_text="the website"),
    "other": Platform("Other", in_text="another platform"),
}

# Post length limits by platform id.
LIMITS: dict[str, int] = {key: p.limit for key, p in PLATFORMS.items() if p.limit}
# Names as the handbook shows them, by platform id.
NAMES: dict[str, str] = {key: p.name for key, p in PLATFORMS.items()}

_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")
_URL = re.compile(r"https?://\S+")


def name(platform: str | None) -> str:
    """The platform's name as shown; an unknown id as written."""
    known = PLATFORMS.get(platform) if isinstance(platform, str) else None
    return known.name if known else str(platform or "")


def unit(platform: str | None) -> str:
    """The unit of the platform's post length: "characters" or "bytes"."""
    known = PLATFORMS.get(platform) if isinstance(platform, str) else None
    return known.unit if known else "characters"


def post_length(text: str, platform: str | None) -> int:
    """Length as the platform counts it (see `counts`)."""
    known = PLATFORMS.get(platform) if isinstance(platform, str) else None
    counts = known.counts if known else CHARACTERS
    if counts == X_WEIGHTED:
        text = _URL.sub("x" * 23, text)
        return len(text) + len(_WIDE.findall(text))
    if counts == UTF16:
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    if counts == UTF8_BYTES:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text)
