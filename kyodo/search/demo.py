"""Demo data: the search app has none of its own; it indexes what the content apps seeded
(it comes after them in INSTALLED_APPS, so seed_demo runs this last)."""

from __future__ import annotations

from kyodo.core.demo import DemoContext
from kyodo.search import services


def seed(ctx: DemoContext) -> dict[str, int]:
    total = services.count_sources()
    done = [0]

    def progress(n: int) -> None:
        done[0] += n
        ctx.out.write(f"\r  search documents {done[0]:>9,}/{total:,}")
        ctx.out.flush()

    written = services.reindex(progress=progress)
    ctx.out.write("\n")
    return {"search documents": written}
