"""Points on local issues: the city's map area, rounding a point near a home, distances,
bounding boxes and grid clusters. Plain latitude/longitude in WGS84 degrees (no GIS
extension): a bounding box uses the (public_latitude, public_longitude) index on SQLite and
PostgreSQL alike, and exact distances are computed in Python on the few rows inside it."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.templatetags.static import static
from django.urls import reverse

from kyodo.guideline.models import Setting

MAP_CACHE_KEY = "guideline:map"

EARTH_RADIUS_M = 6_371_000.0

# Rounding for a point near a home: the centre of a grid cell of 0.002° latitude (~222 m)
# by 0.0025° longitude (~225 m at 36°N). Everyone in the cell gets the same public point.
COARSE_LAT_STEP = 0.002
COARSE_LON_STEP = 0.0025
COARSE_METRES = 200  # what the author is told ("about 200 m")

# Used when the guideline file has no [settings.map]: the whole of Japan.
DEFAULT_BBOX = (24.0, 122.9, 45.6, 146.0)  # south, west, north, east
DEFAULT_CENTRE = (35.681, 139.767)
DEFAULT_ZOOM = 12


@dataclass(frozen=True)
class CityMap:
    centre: tuple[float, float]
    zoom: int
    bbox: tuple[float, float, float, float]  # south, west, north, east
    district_centres: dict[str, tuple[float, float]]
    has_boundaries: bool
    configured: bool

    def contains(self, lat: float, lon: float) -> bool:
        south, west, north, east = self.bbox
        return south <= lat <= north and west <= lon <= east

    def as_data(self) -> dict[str, Any]:
        """What the map script reads (data-* attributes, JSON)."""
        return {
            "centre": list(self.centre),
            "zoom": self.zoom,
            "bbox": list(self.bbox),
            "districts": {k: list(v) for k, v in self.district_centres.items()},
            "tiles": settings.KYODO_MAP_TILE_URL,
            "attribution": settings.KYODO_MAP_TILE_ATTRIBUTION,
            "maxZoom": settings.KYODO_MAP_TILE_MAX_ZOOM,
        }


def _pair(value: Any) -> tuple[float, float] | None:
    try:
        lat, lon = float(value[0]), float(value[1])
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return (lat, lon)
    return None


def _map_settings() -> dict[str, Any]:
    """Every "map.*" setting in one query, cached like the other guideline reads (the
    loader clears "guideline:map" when the file is loaded again)."""
    value = cache.get(MAP_CACHE_KEY)
    if value is None:
        value = {
            key.removeprefix("map."): v
            for key, v in Setting.objects.filter(key__startswith="map.")
            .exclude(key="map.boundaries")
            .values_list("key", "value")
        }
        value["has_boundaries"] = Setting.objects.filter(key="map.boundaries").exists()
        cache.set(MAP_CACHE_KEY, value, 300)
    return value


def city_map() -> CityMap:
    """The city's map area from the guideline file's optional [settings.map] table
    (centre, zoom, bbox = [south, west, north, east], district_centres, boundaries_file);
    a city without it gets the whole of Japan, so nothing breaks."""
    conf = _map_settings()
    bbox_raw = conf.get("bbox")
    bbox: tuple[float, float, float, float] | None = None
    if isinstance(bbox_raw, list) and len(bbox_raw) == 4:
        try:
            south, west, north, east = (float(v) for v in bbox_raw)
        except (TypeError, ValueError):
            pass
        else:
            if -90 <= south < north <= 90 and -180 <= west < east <= 180:
                bbox = (south, west, north, east)
    centre = _pair(conf.get("centre"))
    if centre is None and bbox is not None:
        centre = ((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    centres: dict[str, tuple[float, float]] = {}
    # [[code, lat, lon], …] (a list: the loader flattens tables into dotted keys)
    for row in conf.get("district_centres") or []:
        if isinstance(row, list) and len(row) == 3:
            pair = _pair(row[1:])
            if pair is not None:
                centres[str(row[0])] = pair
    try:
        zoom = int(conf.get("zoom", DEFAULT_ZOOM))
    except (TypeError, ValueError):
        zoom = DEFAULT_ZOOM
    return CityMap(
        centre=centre or DEFAULT_CENTRE,
        zoom=max(3, min(zoom, 18)),
        bbox=bbox or DEFAULT_BBOX,
        district_centres=centres,
        has_boundaries=bool(conf.get("has_boundaries")),
        configured=bbox is not None,
    )


def district_boundaries() -> dict[str, Any] | None:
    """The districts' GeoJSON FeatureCollection from the guideline data, if it has one."""
    row = Setting.objects.filter(key="map.boundaries").first()
    value = row.value if row is not None else None
    if isinstance(value, dict) and value.get("type") == "FeatureCollection":
        return value
    return None


def coarsen(lat: float, lon: float) -> tuple[float, float]:
    """The centre of the ~200 m cell the point falls in (rounded to 6 decimals)."""
    clat = (math.floor(lat / COARSE_LAT_STEP) + 0.5) * COARSE_LAT_STEP
    clon = (math.floor(lon / COARSE_LON_STEP) + 0.5) * COARSE_LON_STEP
    return (round(clat, 6), round(clon, 6))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def bbox_around(lat: float, lon: float, metres: float) -> tuple[float, float, float, float]:
    """south, west, north, east of a box that contains the circle of `metres` around a point."""
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return (lat - dlat, lon - dlon, lat + dlat, lon + dlon)


def _bigrams(text: str) -> set[str]:
    norm = "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())
    if len(norm) < 2:
        return {norm} if norm else set()
    return {norm[i : i + 2] for i in range(len(norm) - 1)}


def title_similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams (works for Japanese without a tokenizer):
    1.0 for the same title, 0 for nothing in common."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def grid_step(zoom: int) -> float:
    """Cluster cell size in degrees for a map zoom: about 64 screen pixels per cell
    (a 256-pixel tile spans 360 / 2**zoom degrees of longitude)."""
    return 360.0 / (2 ** max(0, min(zoom, 20))) / 4


def parse_bbox(value: str) -> tuple[float, float, float, float] | None:
    """ "west,south,east,north" (the order of GeoJSON and of Leaflet's toBBoxString)."""
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except (AttributeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        return None
    south, north = max(-90.0, south), min(90.0, north)
    west, east = max(-180.0, west), min(180.0, east)
    if south >= north or west >= east:
        return None
    return (south, west, north, east)


def map_config(mode: str, **extra: Any) -> dict[str, Any]:
    """Everything kyodo/challenges/static/challenges/map.js reads from a map's data-config:
    the city's map, the tile source, and the mode ("list", "detail", "pick") with its data."""
    city = city_map()
    data = city.as_data()
    data.update(
        mode=mode,
        iconBase=static("leaflet/images/"),
        boundariesUrl=reverse("challenges:district_boundaries") if city.has_boundaries else "",
        **extra,
    )
    return data
