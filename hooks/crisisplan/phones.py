"""Phone numbers: read, checked and written out with Google's libphonenumber.

A plan's numbers are written the way its staff write them: in international
form ("+886 2 2345 6102"), or, where the plan names its country, in national
form ("(02) 2345-6102"), with an extension in any of the usual ways
("ext. 201", "x201", "#201", "分機 201", "轉 201").  The handbook shows a
number of the plan's country in that country's national format and any
other in international format; links and vCards dial it in E.164.

The plan's country (an ISO 3166 region code such as "TW") is
`organisation.country` in about.yaml, or else the region subtag of
`plan.language` ("zh-TW" -> "TW", "en-GB" -> "GB", "zh-Hant-TW" -> "TW").
Without one, every number is written with its country code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from functools import lru_cache

import phonenumbers
from babel import Locale
from phonenumbers import PhoneNumberFormat, PhoneNumberType, timezone

from .messages import Message, _, ngettext

# Words for "extension" libphonenumber does not know: Chinese 分機 (Taiwan),
# 分机 (mainland), 轉/转 ("transfer to"), 內線/内线 ("inside line").
_EXTENSION_WORDS = re.compile(r"\s*(?:分機|分机|轉|转|內線|内线)\s*[:：]?\s*(?=[0-9０-９])")
_EXTENSION_TAIL = re.compile(r"(?i)\s*(?:ext\.?|extn\.?|extension|x|#|分機|分机|轉|转|內線|内线)\s*[:：.]?\s*"
                             r"[0-9０-９]+\s*$")
_REGION_SUBTAG = re.compile(r"^[A-Za-z]{2}$|^[0-9]{3}$")

# Ranges set aside for fiction and examples, which libphonenumber rightly
# calls not in use; plans written as examples (this repository's own) use
# them.  Ofcom's drama numbers (UK): mobile 07700 900000-900999, London
# 020 7946 0000-0999; North America: 555-0100 to 555-0199.
_FICTIONAL = (
    re.compile(r"^\+447700900[0-9]{3}$"),
    re.compile(r"^\+442079460[0-9]{3}$"),
    re.compile(r"^\+1[2-9][0-9]{2}55501[0-9]{2}$"),
)


def plan_region(about: dict | None) -> str | None:
    """The plan's country as a region code ("TW"), or None when it names none."""
    if not isinstance(about, dict):
        return None
    organisation = about.get("organisation")
    country = organisation.get("country") if isinstance(organisation, dict) else None
    if isinstance(country, str) and country.upper() in phonenumbers.SUPPORTED_REGIONS:
        return country.upper()
    plan = about.get("plan")
    language = plan.get("language") if isinstance(plan, dict) else None
    return language_region(language)


def known_region(code: str) -> bool:
    """Whether `code` is a country libphonenumber knows the numbers of."""
    return code.upper() in phonenumbers.SUPPORTED_REGIONS


def language_region(language) -> str | None:
    """The region subtag of a language tag: "zh-TW" and "zh-Hant-TW" -> "TW"; "en" -> None."""
    if not isinstance(language, str):
        return None
    for subtag in language.split("-")[1:]:
        if len(subtag) == 1:  # an extension or private use follows
            break
        if _REGION_SUBTAG.match(subtag) and subtag.upper() in phonenumbers.SUPPORTED_REGIONS:
            return subtag.upper()
    return None


@dataclass(frozen=True)
class Check:
    """What is wrong with a number: ok, or a message with its fix, and how bad."""
    ok: bool
    message: str = ""
    warning: bool = False


def parse(number, region: str | None = None) -> phonenumbers.PhoneNumber | None:
    """The number, or None when it cannot be read as one (never to be changed:
    one object serves every reading of the same text)."""
    if not isinstance(number, str) or not number.strip():
        return None
    return _parse(number, region)


@lru_cache(maxsize=16384)  # a handbook reads each number several times: shown, dialled, in the vCard
def _parse(number: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    text = _EXTENSION_WORDS.sub(" ext. ", number.strip())
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


@lru_cache(maxsize=8192)  # a plan repeats its switchboards and on-call lines
def check(number: str, region: str | None = None) -> Check:
    """Whether `number` can be dialled, in plain words with the fix."""
    example = _example(region)
    parsed = parse(number, region)
    if parsed is None:
        if number.lstrip().startswith("+"):
            return Check(False, _("'%(number)s' cannot be read as a phone number: write + and the country code, "
                                  "then the number, e.g. %(example)s").format(number=number, example=example))
        if region:
            return Check(False, _("'%(number)s' cannot be read as a phone number: write it as it is dialled in "
                                  "%(country)s, or with + and the country code, e.g. %(example)s").format(
                number=number, country=Country(region), example=example))
        return Check(False, _("'%(number)s' is not a phone number that can be dialled from abroad: "
                              "start with + and the country code, e.g. %(example)s").format(number=number, example=example))
    if _has_letters(number):
        return Check(False, _("'%(number)s' has letters in it: write the digits only, and an extension as "
                              "\"%(fixed)s ext. 201\"").format(number=number, fixed=_without_letters(number, region)))
    if not phonenumbers.is_possible_number(parsed):
        where = Country(phonenumbers.region_code_for_country_code(parsed.country_code))
        digits = len(phonenumbers.national_significant_number(parsed))
        if _too_short(parsed):
            message = ngettext("'%(number)s' is too short for a phone number in %(country)s (%(digits)s digit without the "
                               "country code): check the digits",
                               "'%(number)s' is too short for a phone number in %(country)s (%(digits)s digits without the "
                               "country code): check the digits", digits)
        else:
            message = ngettext("'%(number)s' is too long for a phone number in %(country)s (%(digits)s digit without the "
                               "country code): check the digits",
                               "'%(number)s' is too long for a phone number in %(country)s (%(digits)s digits without the "
                               "country code): check the digits", digits)
        return Check(False, message.format(number=number, country=where, digits=digits))
    if not _fictional(parsed) and not phonenumbers.is_valid_number(parsed):
        where = Country(phonenumbers.region_code_for_country_code(parsed.country_code))
        if number.lstrip().startswith(("+", "＋")):
            message = _("'%(number)s' is not a number in use in %(country)s: check the digits and the country code")
        else:
            message = _("'%(number)s' is not a number in use in %(country)s: check the digits, or, for a number in "
                        "another country, write + and its country code first")
        return Check(False, message.format(number=number, country=where), warning=True)
    return Check(True)


def number_region(number, region: str | None = None) -> str | None:
    """The country a number belongs to ("+852 5123 4111" -> "HK"), None if unknown."""
    parsed = parse(number, region)
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.region_code_for_number(parsed) or None


def display(number, region: str | None = None) -> str:
    """The number as the handbook shows it: national format in the plan's country
    (with its usual extension mark), international elsewhere; as written if unreadable."""
    return _display(number, region) if isinstance(number, str) else str(number)


@lru_cache(maxsize=16384)
def _display(number: str, region: str | None) -> str:
    parsed = parse(number, region)
    if parsed is None or _has_letters(str(number)) or not (phonenumbers.is_valid_number(parsed) or _fictional(parsed)):
        return str(number)
    if region and phonenumbers.region_code_for_number(parsed) == region:
        return phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)


def e164(number, region: str | None = None) -> str | None:
    """"+886223456102", or None when the number cannot be read."""
    parsed = parse(number, region)
    if parsed is None:
        return None
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


def extension(number, region: str | None = None) -> str | None:
    parsed = parse(number, region)
    return parsed.extension if parsed is not None else None


def tel_uri(number, region: str | None = None) -> str:
    """"tel:+886223456102;ext=201" (RFC 3966 with an E.164 number); the digits
    as written when the number cannot be read."""
    full = e164(number, region)
    if full is None:
        return "tel:" + re.sub(r"[^+0-9]", "", str(number))
    ext = extension(number, region)
    return f"tel:{full}" + (f";ext={ext}" if ext else "")


def dial_string(number, region: str | None = None) -> str:
    """The number for a vCard: E.164, an extension after a pause (","), which
    phones dial once the call is answered; only "+", digits and ",", so it
    needs no escaping (a vCard's TEL is a phone number, not text)."""
    full = e164(number, region)
    if full is None:
        return re.sub(r"[^+0-9]", "", str(number))
    ext = extension(number, region)
    return full + (f",{ext}" if ext else "")


def _without_letters(number: str, region: str | None) -> str:
    """The number in international format with its letters left out, for a message."""
    digits = re.sub(r"[^\W\d_]", "", _EXTENSION_TAIL.sub("", number)).strip()
    parsed = parse(digits, region)
    return phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL) if parsed else digits


def region_zones(region: str | None) -> list[str]:
    """The time zones of a country, most used first (from libphonenumber's
    time zones by number prefix): "TW" -> ["Asia/Taipei"]."""
    if not region:
        return []
    return list(_region_zones(region.upper()))


@lru_cache(maxsize=64)
def _region_zones(region: str) -> tuple[str, ...]:
    from phonenumbers.tzdata import TIMEZONE_DATA
    code = phonenumbers.country_code_for_region(region)
    if not code:
        return ()
    counts: dict[str, int] = {}
    if region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ())[:1] or \
            len(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ())) == 1:
        prefixes = [k for k in TIMEZONE_DATA if k.startswith(str(code))]
    else:  # a country sharing its code (Canada in +1): its example numbers' zones only
        prefixes = []
    for prefix in prefixes:
        for zone in TIMEZONE_DATA[prefix]:
            counts[zone] = counts.get(zone, 0) + 1
    for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
        sample = phonenumbers.example_number_for_type(region, kind)
        if sample is not None:
            for zone in timezone.time_zones_for_number(sample):
                counts[zone] = counts.get(zone, 0) + 1000
    counts.pop("Etc/Unknown", None)
    return tuple(sorted(counts, key=lambda zone: (-counts[zone], zone)))


def _has_letters(number: str) -> bool:
    """Letters besides an extension mark (libphonenumber would read them as
    the digits of a phone keypad: "mobile" as 662453)."""
    core = _EXTENSION_TAIL.sub("", number)
    return bool(re.search(r"[^\W\d_]", core))


def _fictional(parsed) -> bool:
    full = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    return any(pattern.match(full) for pattern in _FICTIONAL)


def _too_short(parsed) -> bool:
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    return reason in (phonenumbers.ValidationResult.TOO_SHORT, phonenumbers.ValidationResult.INVALID_LENGTH)


class Country(Message):
    """A country named in a message: "Taiwan", "the United Kingdom"; 台灣, 英國.

    Babel's territory names (CLDR), already loaded for the handbook's words;
    libphonenumber's geocoder would cost half a second to import."""

    def __new__(cls, region: str | None):
        self = cls.plain(_country_in_english(region))
        self.region = region
        return self

    def say(self, language) -> str:
        if not self.region or self.region == "001":
            return ANY_COUNTRY.say(language)
        if language is None or language.is_english:
            return str.__str__(self)
        name = language.locale.territories.get(self.region, "")
        return re.sub(r"^中國(.+)特別行政區$", r"\1", name) or self.region  # 中國香港特別行政區: 香港


ANY_COUNTRY = _("any country")


@lru_cache(maxsize=256)
def _country_in_english(region: str | None) -> str:
    if not region or region == "001":
        return str(ANY_COUNTRY)
    name = Locale("en").territories.get(region, "").replace(" SAR China", "")
    if not name:
        return region
    return "the " + name if re.match(r"United |.*(Republic|Islands|Netherlands|Philippines)", name) else name


def _example(region: str | None) -> str:
    """A number of the plan's country in international format, for messages."""
    sample = phonenumbers.example_number_for_type(region, PhoneNumberType.FIXED_LINE) if region else None
    if sample is None:
        return "+44 20 7946 0000"
    return phonenumbers.format_number(sample, PhoneNumberFormat.INTERNATIONAL)
