"""The results page in Debian's chromium: classed choropleth with real ranges, the ECharts
scatter, drill-down by a click on the map, and no CSP violation (autouse fixture)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sampark.accounts.models import User
from sampark.core.tests.browser import ARTIFACTS
from sampark.devtools.synthetic import Tree
from sampark.results import services
from sampark.results.tests.fixtures import write_files

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-IN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_map_classes_and_scatter_draw_and_drill_down(
    live_server: object, page: Page, tree: Tree, alice: User, tmp_path: Path
) -> None:
    # given results, a snapshot and boundaries for the four ACs
    write_files(tree, tmp_path)
    services.import_results(data_dir=tmp_path, party="BJP")
    services.refresh_strength(state="UP")
    for i, ac in enumerate(tree.acs):
        x = 80 + i * 0.5
        ac.boundary = json.dumps(
            {
                "type": "Polygon",
                "coordinates": [[[x, 26], [x + 0.4, 26], [x + 0.4, 26.4], [x, 26.4], [x, 26]]],
            }
        )
        ac.save(update_fields=["boundary"])
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit].primary")
    # when alice opens the state's results by AC, coloured by margin
    page.goto(f"{base}/results/units/{tree.state.id}/?by=ac&indicator=margin")
    # then four shapes, a legend with the real margins (-1.4 for AC 1), and a drawn scatter
    shapes = page.locator("#map path.leaflet-interactive")
    expect(shapes).to_have_count(4)
    expect(page.locator(".map-legend")).to_contain_text("-1.4")
    expect(page.locator("#chart-scatter canvas")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "results-map.png"), full_page=True)
    # when an AC is clicked / then its results page opens
    shapes.first.click()
    expect(page.locator("h1")).to_contain_text("AC 1")


def test_booth_grid_in_part_order_opens_a_booth(
    live_server: object, page: Page, tree: Tree, alice: User, tmp_path: Path
) -> None:
    # given results and a snapshot (booths have no coordinates)
    write_files(tree, tmp_path)
    services.import_results(data_dir=tmp_path, party="BJP")
    services.refresh_strength(state="UP")
    ac = tree.acs[0]
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit].primary")
    # when alice opens AC 1 coloured by margin
    page.goto(f"{base}/results/units/{ac.id}/?indicator=margin")
    # then the grid is drawn with the note that positions follow part order
    expect(page.locator("#chart-booths[data-ready='1'] canvas")).to_have_count(1)
    expect(page.get_by_test_id("grid-note")).to_contain_text("part number")
    page.screenshot(path=str(ARTIFACTS / "results-booth-grid.png"), full_page=True)
    # when the first square (part 1, top left) is clicked / then that booth's page opens
    x, y = page.evaluate(
        "() => { const c = echarts.getInstanceByDom(document.getElementById('chart-booths'));"
        " const r = document.getElementById('chart-booths').getBoundingClientRect();"
        " const p = c.convertToPixel({seriesIndex: 0}, [0, 0]);"
        " return [r.left + p[0], r.top + p[1]]; }"
    )
    page.mouse.click(x, y)
    first = min(tree.booths, key=lambda b: (b.ac_id != ac.id, b.number or 0))
    expect(page.locator("h1")).to_contain_text(first.name)
