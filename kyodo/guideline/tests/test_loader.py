from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from kyodo.guideline import models as m
from kyodo.guideline.loader import (
    GuidelineDataError,
    load_guideline,
    parse_guideline,
    read_guideline_file,
)
from kyodo.guideline.selectors import setting
from kyodo.guideline.tests import codes

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.django_db


@codes.kawagoe_only  # counts and names of kawagoe.toml itself
def test_kawagoe_is_loaded_with_every_part_of_the_guideline():
    muni = m.Municipality.objects.get(code="kawagoe")
    assert muni.vision == "人がつながり、魅力があふれ、だれもが住み続けたいまち 川越"
    assert [p.short_name for p in m.Principle.objects.all()] == [
        "情報公開・情報共有",
        "相互理解",
        "目的共有",
        "自主性・自立性尊重",
        "対等",
        "役割分担",
        "評価",
    ]
    assert [s.character for s in m.Step.objects.all()] == ["加", "輪", "互", "笑"]
    assert [a.name for a in m.ActorType.objects.all()] == ["市民", "民間団体", "事業者", "行政"]
    assert [t.name for t in m.Tier.objects.all()] == ["自助", "共助", "公助"]
    assert m.District.objects.count() == 11
    assert m.DistrictSnapshot.objects.get(district__code="yoshino").households == 2243
    assert m.EvaluationItem.objects.count() == 12
    assert m.RubricCriterion.objects.count() == 9
    assert setting("rubric.adoption_threshold") == 60


def test_loading_twice_changes_nothing():
    def snapshot():
        return [
            list(model.objects.order_by("pk").values())
            for model in (
                m.Principle,
                m.Step,
                m.District,
                m.DistrictSnapshot,
                m.Setting,
                m.RubricCriterion,
            )
        ]

    before = snapshot()
    load_guideline(settings.KYODO_GUIDELINE_FILE)
    assert snapshot() == before


def test_a_second_city_runs_from_its_own_file(client):
    # One deployment (one database) per city: start from an empty guideline.
    for model in (
        m.RubricCriterion,
        m.EvaluationItem,
        m.DistrictSnapshot,
        m.District,
        m.Field,
        m.Tier,
        m.CollaborationForm,
        m.OrganizationType,
        m.ActorType,
        m.Measure,
        m.Step,
        m.Principle,
        m.Setting,
        m.Municipality,
    ):
        model.objects.all().delete()
    load_guideline(DATA / "minato.toml")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "海とともに生きる、みんなのまち 海辺" in html
    assert "市民協働課" in html
    assert setting("rubric.adoption_threshold") == 50
    assert m.Municipality.objects.filter(code="umibe", name="海辺市").exists()
    assert m.Principle.objects.filter(code="openness", short_name="公開").exists()
    assert m.District.objects.filter(name="港地区").exists()
    assert m.RubricCriterion.objects.get(code="r-openness").max_score == 10


def _kawagoe() -> dict:
    return read_guideline_file(settings.KYODO_GUIDELINE_FILE)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["principles"][2].pop("name"), "principles[2].name: required"),
        (
            lambda d: d["principles"][0].update(number="one"),
            "principles[0].number: must be a whole number",
        ),
        (
            lambda d: d["organization_types"][0].update(actor_type="aliens"),
            "organization_types[0].actor_type: unknown actor_types code 'aliens'",
        ),
        pytest.param(
            lambda d: d["districts"].append(dict(d["districts"][0])),
            "duplicate code 'honcho'",  # Kawagoe's first district
            marks=codes.kawagoe_only,
        ),
        (lambda d: d["steps"][1].update(colour="red"), "steps[1].colour: unknown field"),
        (lambda d: d.update(schema_version=99), "schema_version: must be 1"),
        (lambda d: d.pop("municipality"), "municipality: required"),
        (lambda d: d.update(tiers=[]), "tiers: at least one entry is required"),
        (
            lambda d: d["district_snapshots"][0].update(as_of="yesterday"),
            "district_snapshots[0].as_of: must be a date",
        ),
    ],
)
def test_a_bad_file_names_the_field(mutate, expected):
    data = _kawagoe()
    mutate(data)
    with pytest.raises(GuidelineDataError) as excinfo:
        parse_guideline(data)
    assert any(expected in e for e in excinfo.value.errors), excinfo.value.errors


def test_nothing_is_half_loaded(tmp_path):
    text = (DATA / "minato.toml").read_text(encoding="utf-8")
    # Valid up to the last section, then a broken reference: the whole load must fail.
    broken = text.replace(
        'principle = "openness"\nname = "公開"\nmax_score',
        'principle = "nope"\nname = "公開"\nmax_score',
    )
    path = tmp_path / "broken.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(GuidelineDataError):
        load_guideline(path)
    assert not m.Municipality.objects.filter(code="umibe").exists()
    assert not m.Principle.objects.filter(code="openness").exists()


def test_invalid_toml_is_reported(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("schema_version = = 1", encoding="utf-8")
    with pytest.raises(GuidelineDataError) as excinfo:
        load_guideline(path)
    assert "not valid TOML" in str(excinfo.value)


def test_load_guideline_command_reports_errors(tmp_path):
    from django.core.management import CommandError, call_command

    data = tomllib.loads((DATA / "minato.toml").read_text(encoding="utf-8"))
    assert data["municipality"]["code"] == "umibe"
    path = tmp_path / "bad.toml"
    path.write_text(
        (DATA / "minato.toml").read_text(encoding="utf-8").replace('name = "港地区"', 'name = ""'),
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as excinfo:
        call_command("load_guideline", str(path))
    assert "districts[0].name: must not be empty" in str(excinfo.value)
