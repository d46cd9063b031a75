"""The guideline file holds a city's whole shape (issue 25): the second city's file is
valid, `load_guideline --check` names the field of every error and writes nothing, and the
optional sections have defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kyodo.guideline.loader import GuidelineDataError, check_guideline_file, parse_guideline
from kyodo.guideline.loader import read_guideline_file as read

DATA = Path(__file__).resolve().parents[1] / "data"


def test_both_cities_are_valid_and_differ_in_shape():
    kawagoe = check_guideline_file(DATA / "kawagoe.toml")
    kaku = check_guideline_file(DATA / "kaku.toml")
    for section in ("principles", "steps", "tiers", "districts", "organization_types"):
        assert len(kawagoe[section]) != len(kaku[section]), section
    assert {r["code"] for r in kaku["districts"]}.isdisjoint(
        r["code"] for r in kawagoe["districts"]
    )
    assert "school" not in {r["code"] for r in kaku["organization_types"]}
    assert "互助" in {r["name"] for r in kaku["tiers"]}
    assert (
        kaku["settings"]["rubric.conflict_policy"] != kawagoe["settings"]["rubric.conflict_policy"]
    )
    assert kaku["settings"]["subsidy.taper"] != kawagoe["settings"]["subsidy.taper"]
    for city in (kawagoe, kaku):  # every step says what counts for it
        assert all(step.get("evidence") for step in city["steps"])


def test_check_command_validates_without_writing(db, capsys):
    from kyodo.guideline.models import Municipality

    before = list(Municipality.objects.values_list("code", flat=True))
    call_command("load_guideline", str(DATA / "kaku.toml"), "--check")
    assert "is valid" in capsys.readouterr().out
    assert list(Municipality.objects.values_list("code", flat=True)) == before


def test_check_command_names_each_bad_field(tmp_path):
    text = (DATA / "kaku.toml").read_text(encoding="utf-8")
    text = text.replace('evidence = ["feedback", "evaluation"]', 'evidence = ["smiles"]')
    text = text.replace(
        'district = "hamanome"\nname = "浜ノ目地区円卓会議"', 'district = "chuo"\nname = "二つ目"'
    )
    text = text.replace('name = "子育て応援課"', 'name = "子育て応援課"\ncoordinating = true')
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("load_guideline", str(bad), "--check")
    message = str(exc.value)
    assert "steps[2].evidence: unknown evidence 'smiles'" in message
    assert "district_councils[1].district: 'chuo' has a council already" in message
    assert "departments[3].coordinating: only one department may coordinate" in message


def test_departments_need_a_city_type():
    data = read(DATA / "kaku.toml")
    data["departments"][0]["org_type"] = "npo"
    with pytest.raises(GuidelineDataError) as exc:
        parse_guideline(data)
    assert any(
        e.startswith("departments[0].org_type: 'npo' is not a type of the city")
        for e in exc.value.errors
    )


def test_optional_sections_default_to_nothing():
    data = read(DATA / "kaku.toml")
    for key in ("departments", "district_councils"):
        data.pop(key)
    for step in data["steps"]:
        step.pop("evidence")
    data["municipality"].pop("name_kana")
    clean = parse_guideline(data)
    assert clean["departments"] == [] and clean["district_councils"] == []
