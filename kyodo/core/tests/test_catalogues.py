"""The message catalogues say one thing per message, in Japanese, in the glossary's spelling.

Django merges every app's catalogue into one at run time: a msgid (with the same context, or
none) that two apps translate differently shows one app's word on the other app's pages. These
tests read the .po files themselves, so they fail on the catalogues as committed."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

from kyodo.core import i18n


def test_no_message_is_translated_two_ways():
    clashes = i18n.clashes()
    report = "\n".join(
        f"{context or '(no context)'} | {msgid!r}: "
        + ", ".join(f"{app}={text}" for app, text in sorted(by_app.items()))
        for context, msgid, by_app in clashes
    )
    assert not clashes, f"{len(clashes)} messages translated differently:\n{report}"


def test_the_clash_detector_sees_a_clash_and_respects_contexts(monkeypatch):
    def catalogue(app: str, items: list[tuple[str | None, str, str]]) -> tuple[str, Catalog]:
        catalog = Catalog(locale="ja")
        for context, msgid, text in items:
            catalog.add(msgid, text, context=context)
        return app, catalog

    monkeypatch.setattr(
        i18n,
        "catalogues",
        lambda lang="ja": [
            catalogue("events", [("facility day", "Closed", "休館日"), (None, "Save", "保存する")]),
            catalogue("calls", [("call window", "Closed", "受付終了"), (None, "Save", "保存")]),
        ],
    )
    assert [(c, m) for c, m, _ in i18n.clashes()] == [(None, "Save")]


def test_every_message_a_page_can_show_has_a_japanese_translation():
    # Every msgid in the code and templates is in its app's catalogue, translated and not fuzzy
    # (a fuzzy entry is not compiled: the English msgid would show on a Japanese page).
    assert i18n.check() == []
    assert i18n.fuzzy_or_empty() == []


def test_translations_use_the_glossary_spellings():
    problems = i18n.spelling_problems()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("参加の申し込み", True),
        ("参加を申し込みました", False),
        ("申込書", False),
        ("申請の取り下げ", True),
        ("申請を取り下げる", False),
        ("お問い合わせ", True),
        ("市にお問い合わせください。", False),
        ("受付中", False),
        ("予約を受け付けています", False),
        ("手続きがあります", True),
    ],
)
def test_the_spelling_rules_catch_the_noun_and_let_the_verb_through(monkeypatch, text, bad):
    catalog = Catalog(locale="ja")
    catalog.add("x", text)
    monkeypatch.setattr(i18n, "catalogues", lambda lang="ja": [("core", catalog)])
    assert bool(i18n.spelling_problems()) is bad


def test_every_page_shows_the_translation_its_catalogue_holds():
    # Django's own catalogues merge with Kyodo's (admin's "None" is "None" in Japanese);
    # conftest compiles the catalogues before the tests run.
    problems = i18n.runtime_mismatches()
    assert not problems, "\n".join(problems)
