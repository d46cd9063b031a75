"""Catalogue entries for harvesters: DCAT (JSON-LD) and CKAN's package_show shape.

A prefecture's catalogue or the national one (data.go.jp runs CKAN) harvests a package from
either: every dataset is a DCAT dataset with two distributions (CSV and JSON) whose download
URLs point at the single files of the latest build (`api:open-data-latest`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
KEYWORDS = ["協働", "市民活動", "collaboration", "civic"]


def latest_url(member: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("api:open-data-latest", args=[member])


def _text(ja: str, en: str) -> list[dict[str, str]]:
    values = [{"@value": ja, "@language": "ja"}]
    if en:
        values.append({"@value": en, "@language": "en"})
    return values


def dcat_catalog(package: dict[str, Any], muni: Any, now: dt.datetime) -> dict[str, Any]:
    """The package as a dcat:Catalog of dcat:Datasets (JSON-LD)."""
    modified = timezone.localtime(now).isoformat()
    publisher = {
        "@type": "foaf:Organization",
        "foaf:name": muni.name if muni else "Kyodo",
    }
    datasets = []
    for r in package["resources"]:
        distributions = [
            {
                "@type": "dcat:Distribution",
                "dct:title": f"{r['title']} (CSV)",
                "dcat:downloadURL": {"@id": latest_url(r["path"])},
                "dcat:accessURL": {"@id": latest_url(r["path"])},
                "dcat:mediaType": "text/csv",
                "dct:format": "CSV",
            },
            {
                "@type": "dcat:Distribution",
                "dct:title": f"{r['title']} (JSON)",
                "dcat:downloadURL": {"@id": latest_url(r["json_path"])},
                "dcat:accessURL": {"@id": latest_url(r["json_path"])},
                "dcat:mediaType": "application/json",
                "dct:format": "JSON",
            },
        ]
        entry: dict[str, Any] = {
            "@type": "dcat:Dataset",
            "@id": f"{package['name']}/{r['name']}",
            "dct:identifier": f"{package['name']}/{r['name']}",
            "dct:title": _text(r["title"], r["title_en"]),
            "dct:description": _text(r["description"], r["description_en"]),
            "dct:modified": {"@value": r["built_at"], "@type": "xsd:dateTime"},
            "dct:publisher": publisher,
            "dct:license": {"@id": package["licenses"][0]["path"]},
            "dct:language": "ja",
            "dcat:keyword": KEYWORDS,
            "dcat:distribution": distributions,
        }
        if r.get("conformsTo"):
            entry["dct:conformsTo"] = {"dct:title": r["conformsTo"]}
        datasets.append(entry)
    return {
        "@context": DCAT_CONTEXT,
        "@type": "dcat:Catalog",
        "@id": settings.SITE_URL.rstrip("/") + reverse("api:open-data"),
        "dct:title": _text(package["title"], package["title_en"]),
        "dct:publisher": publisher,
        "dct:license": {"@id": package["licenses"][0]["path"]},
        "dct:modified": {"@value": modified, "@type": "xsd:dateTime"},
        "dct:hasVersion": package["version"],
        "dcat:dataset": datasets,
    }


def ckan_package(package: dict[str, Any], muni: Any, now: dt.datetime) -> dict[str, Any]:
    """The package in the shape of CKAN's `package_show` result, one resource per file."""
    modified = timezone.localtime(now).replace(tzinfo=None).isoformat()
    resources = []
    for r in package["resources"]:
        for path, fmt, mimetype in (
            (r["path"], "CSV", "text/csv"),
            (r["json_path"], "JSON", "application/json"),
        ):
            resources.append(
                {
                    "name": f"{r['title']} ({fmt})",
                    "description": r["description"],
                    "url": latest_url(path),
                    "format": fmt,
                    "mimetype": mimetype,
                    "last_modified": modified,
                }
            )
    org_name = muni.code if muni else "kyodo"
    return {
        "name": package["name"],
        "title": package["title"],
        "notes": "市民・団体・事業者・行政の協働の記録（協働事業、協定、役割分担、相互評価、公募と審査結果、"
        "補助金、地域の課題、地域会議、イベント、活動拠点）。",
        "license_id": "cc-by-4.0",
        "license_title": package["licenses"][0]["title"],
        "license_url": package["licenses"][0]["path"],
        "version": package["version"],
        "metadata_modified": modified,
        "organization": {"name": org_name, "title": muni.name if muni else "Kyodo"},
        "tags": [{"name": k} for k in KEYWORDS],
        "extras": [
            {"key": "spatial", "value": muni.name if muni else ""},
            {"key": "publisher", "value": muni.contact_department if muni else ""},
            {"key": "contact_email", "value": muni.contact_email if muni else ""},
        ],
        "resources": resources,
        "num_resources": len(resources),
    }
