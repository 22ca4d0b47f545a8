"""Countries by name, ISO code, local name, nickname or demonym ("the States", "Deutschland", "Dutch")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pycountry

from .types import Country, Entity

# Names people use that pycountry does not list (lower case -> ISO alpha-2).
ALIASES: dict[str, str] = {
    "uk": "GB",
    "u.k.": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "united kingdom": "GB",
    "the states": "US",
    "america": "US",
    "usa": "US",
    "u.s.a.": "US",
    "u.s.": "US",
    "us of a": "US",
    "united states of america": "US",
    "holland": "NL",
    "the netherlands": "NL",
    "nederland": "NL",
    "deutschland": "DE",
    "españa": "ES",
    "espana": "ES",
    "italia": "IT",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "österreich": "AT",
    "osterreich": "AT",
    "brasil": "BR",
    "polska": "PL",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "suomi": "FI",
    "nippon": "JP",
    "south korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "vietnam": "VN",
    "czechia": "CZ",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "uae": "AE",
    "emirates": "AE",
    "turkey": "TR",
    "turkiye": "TR",
    "iran": "IR",
    "syria": "SY",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "laos": "LA",
    "moldova": "MD",
    "taiwan": "TW",
    "macau": "MO",
    "hong kong": "HK",
    "belgique": "BE",
    "belgië": "BE",
    "méxico": "MX",
    "éire": "IE",
    "eire": "IE",
    "magyarország": "HU",
    "hellas": "GR",
    "ellada": "GR",
    "россия": "RU",
    "中国": "CN",
    "日本": "JP",
    "new zealand": "NZ",
    "aotearoa": "NZ",
    "saudi": "SA",
    "ksa": "SA",
    "the philippines": "PH",
    "phillipines": "PH",
}
DEMONYMS: dict[str, str] = {
    "american": "US",
    "british": "GB",
    "english": "GB",
    "scottish": "GB",
    "welsh": "GB",
    "canadian": "CA",
    "australian": "AU",
    "new zealander": "NZ",
    "irish": "IE",
    "german": "DE",
    "french": "FR",
    "italian": "IT",
    "spanish": "ES",
    "portuguese": "PT",
    "dutch": "NL",
    "belgian": "BE",
    "swiss": "CH",
    "austrian": "AT",
    "swedish": "SE",
    "norwegian": "NO",
    "danish": "DK",
    "finnish": "FI",
    "icelandic": "IS",
    "polish": "PL",
    "czech": "CZ",
    "slovak": "SK",
    "hungarian": "HU",
    "romanian": "RO",
    "bulgarian": "BG",
    "greek": "GR",
    "croatian": "HR",
    "serbian": "RS",
    "slovenian": "SI",
    "ukrainian": "UA",
    "russian": "RU",
    "estonian": "EE",
    "latvian": "LV",
    "lithuanian": "LT",
    "turkish": "TR",
    "israeli": "IL",
    "emirati": "AE",
    "saudi arabian": "SA",
    "egyptian": "EG",
    "moroccan": "MA",
    "nigerian": "NG",
    "kenyan": "KE",
    "south african": "ZA",
    "indian": "IN",
    "pakistani": "PK",
    "chinese": "CN",
    "japanese": "JP",
    "korean": "KR",
    "taiwanese": "TW",
    "thai": "TH",
    "vietnamese": "VN",
    "filipino": "PH",
    "indonesian": "ID",
    "malaysian": "MY",
    "singaporean": "SG",
    "mexican": "MX",
    "brazilian": "BR",
    "argentinian": "AR",
    "argentine": "AR",
    "chilean": "CL",
    "colombian": "CO",
    "peruvian": "PE",
    "luxembourgish": "LU",
    "maltese": "MT",
    "cypriot": "CY",
}
# Country names that are also everyday words in a fashion shop (a jersey, a panama hat, Air Jordans,
# turkey for dinner, nail polish): only counted when capitalised as a name.
CASE_SENSITIVE = {
    "chad",
    "jordan",
    "georgia",
    "turkey",
    "china",
    "guinea",
    "niger",
    "mali",
    "togo",
    "panama",
    "polish",
    "french",
    "america",
    "english",
    "korean",
    "chile",
    "cuba",
    "oman",
    "peru",
    "man",
    "israel",
    "india",
    "kiwi",
    "thai",
    "swiss",
    "danish",
}
# pycountry entries that are mostly clothing, not places.
EXCLUDED = {"jersey", "guernsey"}
# Upper-case two-letter codes that are ordinary words or other abbreviations when shouted.
AMBIGUOUS_CODES = {
    "IN",
    "IT",
    "IS",
    "AT",
    "BE",
    "NO",
    "TO",
    "ME",
    "AM",
    "AN",
    "AS",
    "BY",
    "DO",
    "GO",
    "HI",
    "ID",
    "OR",
    "SO",
    "US",
    "MY",
    "OK",
    "PM",
    "PS",
    "TV",
    "UP",
    "CV",
    "SE",
    "DE",
    "CA",
    "AD",
    "AI",
    "AL",
    "AR",
    "AU",
    "BT",
    "CC",
    "CD",
    "CH",
    "CO",
    "EG",
    "FM",
    "GA",
    "GM",
    "IE",
    "LA",
    "MA",
    "MD",
    "ML",
    "MS",
    "NE",
    "PA",
    "PE",
    "RE",
    "SA",
    "SC",
    "SH",
    "SL",
    "SM",
    "ST",
    "TM",
    "VA",
    "XL",
    "XS",
    "KW",
}


@cache
def _lexicon() -> tuple[dict[str, str], re.Pattern[str]]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name:
                names[name.lower()] = country.alpha_2
        names[country.alpha_3.lower()] = country.alpha_2
        names[country.alpha_2.lower()] = country.alpha_2
    names.update(ALIASES)
    names.update(DEMONYMS)
    for excluded in EXCLUDED:
        names.pop(excluded, None)
    alternatives = sorted(names, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w.])(?:" + "|".join(re.escape(n) for n in alternatives) + r")(?![\w])", re.IGNORECASE
    )
    return names, pattern


def find_countries(text: str) -> Iterator[Entity]:
    names, pattern = _lexicon()
    for match in pattern.finditer(text):
        typed = match.group()
        key = typed.lower()
        # Codes count only when written in capitals ("DE", "GBR") and are not common words.
        if len(typed) <= 3 and key not in ALIASES and (not typed.isupper() or typed in AMBIGUOUS_CODES):
            continue
        if key in CASE_SENSITIVE and not typed[0].isupper():
            continue
        if key in {"us", "u.s."} and typed not in {"US", "U.S."}:
            continue
        if key == "jordan" and re.search(r"\bair\s+$", text[: match.start()], re.IGNORECASE):
            continue
        alpha_2 = names[key]
        found = pycountry.countries.get(alpha_2=alpha_2)
        display = getattr(found, "common_name", None) or (found.name if found else alpha_2)
        yield Country(value=alpha_2, text=typed, start=match.start(), end=match.end(), name=display)
