"""End to end in a real headless Chromium: review the ATLAS paper's cuts on the web page.

Starts ``reproduce serve`` as a subprocess, drives Debian's chromium through chromedriver
(selenium), sees the highlighted quote, edits one cut with the keyboard, approves the rest,
survives another reviewer's concurrent save, and checks the saved list and the audit log.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipeline.review import require_reviewed
from pipeline.selection.store import load_selection
from tests.test_review_helpers import build_run, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ADDED_QUOTE = "Events are selected using single-lepton triggers"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1500,1000",
)


@pytest.fixture
def driver(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="selenium is not installed (pip install selenium)"
    )
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_AVOID_STATS", "true")  # selenium must not phone home
    profile = tempfile.mkdtemp(prefix="review-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_review_a_real_paper_in_the_browser(driver, repro_home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    run_dir = build_run(repro_home)
    wait = WebDriverWait(driver, 30)

    def text(element_id: str) -> str:
        return str(driver.find_element(By.ID, element_id).text)

    def press(key: str) -> None:
        ActionChains(driver).send_keys(key).perform()

    def current() -> str:
        return str(
            driver.execute_script("return document.querySelector('.cut.current')?.dataset.id || ''")
        )

    with serving(repro_home, str(run_dir)) as base:
        driver.get(base + "/")
        wait.until(lambda d: text("version") == "0" and current() == "el_pt")
        # the source page is shown with the quote highlighted
        wait.until(
            lambda d: d.execute_script(
                "const i = document.getElementById('page-img'); "
                "return i.complete && i.naturalWidth > 500"
            )
        )
        assert "page 4: quote highlighted" in text("source-note")
        assert "Selected electrons are required" in text("cut-info")
        driver.save_screenshot(str(tmp_path / "review-start.png"))

        # the filters: only the low-agreement cut, then everything again
        driver.find_element(By.ID, "f-lowagree").click()
        assert [
            c.get_attribute("data-id") for c in driver.find_elements(By.CSS_SELECTOR, ".cut")
        ] == ["bjet_pt"]
        driver.find_element(By.ID, "f-lowagree").click()
        assert len(driver.find_elements(By.CSS_SELECTOR, ".cut")) == 12

        reviewer = driver.find_element(
            By.ID, "reviewer"
        )  # the server's reviewer, shown, not editable
        assert reviewer.get_attribute("value") == "server-default" and reviewer.get_attribute(
            "readonly"
        )
        driver.find_element(By.ID, "list").click()

        # edit el_pt with the keyboard: e, change the value, save
        driver.find_element(By.CSS_SELECTOR, '.cut[data-id="el_pt"]').click()
        press("e")
        value = driver.find_element(By.CSS_SELECTOR, "#edit-form input[name=value]")
        wait.until(lambda d: value.is_displayed())
        value.clear()
        value.send_keys("27")
        driver.find_element(By.ID, "btn-save-edit").click()
        wait.until(lambda d: text("version") == "1")
        assert "saved version 1" in text("message")

        # an invalid edit is refused with a message and nothing is saved
        press("e")
        op = driver.find_element(By.CSS_SELECTOR, "#edit-form select[name=op]")
        op.send_keys("between")
        driver.find_element(By.ID, "btn-save-edit").click()
        wait.until(lambda d: "needs value" in text("message"))
        assert text("version") == "1"
        driver.find_element(By.ID, "btn-cancel-edit").click()

        # approve the other eleven: j to the next cut, then a (which moves on by itself)
        driver.find_element(By.CSS_SELECTOR, '.cut[data-id="el_pt"]').click()
        press("j")
        wait.until(lambda d: current() == "el_eta")
        version = 1
        for step in range(11):
            if (
                step == 5
            ):  # another reviewer saves meanwhile: our next save is refused, then goes through
                state = httpx.get(f"{base}/api/r/1312.1956/run-1/state", timeout=10).json()
                other = httpx.post(
                    f"{base}/api/r/1312.1956/run-1/decision",
                    timeout=10,
                    json={
                        "base_version": state["version"],
                        "action": "answer",
                        "assumption_id": "btag_wp",
                        "answer": "use the 70% working point",
                    },
                )
                assert other.status_code == 200
                before = current()
                press("a")
                wait.until(lambda d: "changed since you loaded it" in text("message"))
                wait.until(
                    lambda d, v=version + 1, b=before: text("version") == str(v) and current() == b
                )
                version += 1
            before = current()
            press("a")
            version += 1
            wait.until(
                lambda d, v=version, b=before, last=step == 10: (
                    text("version") == str(v) and (current() != b or last)
                )
            )
        assert "12/12 cuts decided" in text("counts")

        # add the missing trigger cut with its quote; the page finds the sentence and highlights it
        driver.find_element(By.ID, "btn-add").click()
        form = driver.find_element(By.ID, "add-form")
        wait.until(lambda d: form.is_displayed())
        fields = {
            "id": "one_trigger",
            "description": "single-lepton trigger fired",
            "expr": "count(electrons) + count(muons) >= 1",
            "page": "4",
            "quote": ADDED_QUOTE,
        }
        for name, value in fields.items():
            form.find_element(By.NAME, name).send_keys(value)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(lambda d: text("version") == "14" and current() == "one_trigger")
        wait.until(lambda d: "quote highlighted" in text("source-note"))
        assert "13/13 cuts decided" in text("counts")

        # the diff view shows the edit
        driver.find_element(By.ID, "btn-diff").click()
        wait.until(lambda d: d.find_element(By.ID, "diff-dialog").is_displayed())
        assert "el_pt" in text("diff-body") and "27" in text("diff-body")
        driver.save_screenshot(str(tmp_path / "review-diff.png"))

    selection = load_selection(run_dir / "selection.reviewed.json")
    assert [c.id for c in selection.selection] == ["one_lepton", "four_jets", "one_trigger"]
    added = selection.selection[2]
    assert (
        added.provenance is not None and added.provenance.source == "hand" and added.provenance.bbox
    )
    statuses = {c.id: c.status for c in selection.all_cuts()}
    assert statuses.pop("el_pt") == "edited" and set(statuses.values()) == {"reviewed"}
    assert next(c for c in selection.all_cuts() if c.id == "el_pt").value == 27.0
    assert (
        selection.assumptions[0].answer == "use the 70% working point"
    )  # the other reviewer's save survived
    log = [
        json.loads(line)
        for line in (run_dir / "review" / "review_log.jsonl").read_text().splitlines()
    ]
    assert [(e["action"], e["who"]) for e in log[:1]] == [("edit", "server-default")]
    assert log[0]["before"]["value"] == 25.0 and log[0]["after"]["value"] == 27.0
    assert [e["who"] for e in log] == [
        "server-default"
    ] * 14  # the server's reviewer, whoever posted
    assert [e["version"] for e in log] == list(range(1, 15))
    assert log[-1]["action"] == "add" and log[-1]["after"]["provenance"]["quote"] == ADDED_QUOTE
    assert require_reviewed(run_dir, no_review=False) == run_dir / "selection.reviewed.json"
