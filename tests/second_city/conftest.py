"""The second-city checks (issue 25): run by scripts/test.sh with KYODO_GUIDELINE_FILE set to
the fictional second city (kyodo/guideline/data/kaku.toml), on SQLite. In the ordinary run
(Kawagoe's file) they are skipped: what they prove is that nothing of Kawagoe's shape is left
when another city's file is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

SECOND_CITY = Path(__file__).resolve().parents[2] / "kyodo" / "guideline" / "data" / "kaku.toml"
# Text that belongs to Kawagoe only: none of it may appear in the second city's site.
KAWAGOE_TEXT = (
    "川越",
    "かわごえ",
    "カワゴエ",
    "7つの原則",
    "七つの原則",
    "加・輪・互・笑",
    "小江戸",
)


def second_city_loaded() -> bool:
    from django.conf import settings

    return Path(settings.KYODO_GUIDELINE_FILE).resolve() == SECOND_CITY


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if second_city_loaded():
        return
    skip = pytest.mark.skip(reason="second-city pass only (KYODO_GUIDELINE_FILE=kaku.toml)")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def second_city_demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The second city's demo data, seeded once for the session (a small scale)."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("seed_demo", scale=0.05, stdout=_Null())
    return True


class _Null:
    def write(self, *_args: object) -> None:
        pass

    def flush(self) -> None:
        pass
