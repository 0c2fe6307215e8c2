#!/usr/bin/python3
"""Browser checks of `parcelwatch serve` in headless Chromium (Debian's chromium and
chromium-driver, driven by Selenium, Debian's python3-selenium; nothing is downloaded: SE_OFFLINE=true).

Usage: browser_check.py BASE_URL SCREENSHOT_DIR SCENARIO.json

The scenario (written by the Swift test that set up the store) names the parcels and the staff
member to use; each part is optional: "polish" and "spanish" (customer pages), "staff" (a case
resolved from the console), "lanes" (the console's Lanes page and its charts, screenshot
staff-lanes.png), "estimate" (a customer page with its delivery estimate, customer-estimate.png). Prints one line per check; exits 1 on the first failure, saying what was seen.
"""
import json
import os
import shutil
import sys

os.environ.setdefault("SE_OFFLINE", "true")

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def browser():
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=412,915"):
        options.add_argument(argument)
    # The page's console messages (CSP violations included), for the checks that there are none.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    binary = shutil.which("chromium")
    if binary:
        options.binary_location = binary
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


def submit(driver, button):
    """Clicks a submit button and waits for the next page to replace this one."""
    old = driver.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(driver, 15).until(expected_conditions.staleness_of(old))


def check(condition, what, seen=""):
    if not condition:
        print(f"FAIL {what}: {seen[:400]}")
        sys.exit(1)
    print(f"ok   {what}")


def customer_page(driver, base, shots, parcel, language, words, shot=None):
    driver.get(f"{base}/track")
    driver.find_element(By.ID, "number").send_keys(parcel["number"])
    driver.find_element(By.ID, "postcode").send_keys(parcel["postcode"])
    submit(driver, driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    html = driver.find_element(By.TAG_NAME, "html")
    check(html.get_attribute("lang") == language, f"customer page in {language}", html.get_attribute("lang") or "")
    body = driver.find_element(By.TAG_NAME, "main").text
    for word in words:
        check(word in body, f"{language} page shows '{word}'", body)
    entries = driver.find_elements(By.CSS_SELECTOR, "ol.timeline li")
    check(len(entries) == parcel["events"], f"{language} timeline has {parcel['events']} entries", str(len(entries)))
    driver.save_screenshot(os.path.join(shots, shot or f"customer-{language}.png"))
    return body


def main():
    base, shots, scenario_file = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(shots, exist_ok=True)
    with open(scenario_file, encoding="utf-8") as handle:
        scenario = json.load(handle)
    driver = browser()
    try:
        polish = scenario.get("polish")
        if polish:
            customer_page(driver, base, shots, polish, "pl", ["Śledź swoją przesyłkę", "Historia przesyłki"])
        spanish = scenario.get("spanish")
        if spanish:
            body = customer_page(driver, base, shots, spanish, "es", ["Siga su envío", "Historial de seguimiento"])
            # The carrier's hostile status is text on the page, and no script ran.
            check("<script>alert(1)</script>" in body, "the XSS status shows as text", body)
            check(len(driver.find_elements(By.CSS_SELECTOR, "main script")) == 0, "no script element came from carrier text")
        staff = scenario.get("staff")
        if staff:
            staff_console(driver, base, shots, staff)
        lanes = scenario.get("lanes")
        if lanes:
            lanes_page(driver, base, shots, lanes)
        estimate = scenario.get("estimate")
        if estimate:
            customer_page(driver, base, shots, estimate, estimate["language"], estimate["words"], shot="customer-estimate.png")
    finally:
        driver.quit()
    print("all browser checks passed")


def staff_console(driver, base, shots, staff):
    """A member signs in, opens the case, is refused a form stripped of its CSRF token, resolves
    the case, and finds the resolution under their name in the audit log."""
    incident = staff["incident"]
    driver.get(f"{base}/staff")
    check("/staff/login" in driver.current_url, "a stranger is sent to the sign-in page", driver.current_url)
    driver.find_element(By.ID, "name").send_keys(staff["name"])
    driver.find_element(By.ID, "password").send_keys(staff["password"])
    submit(driver, driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    queue = driver.find_element(By.TAG_NAME, "main").text
    check(driver.current_url.rstrip("/").endswith("/staff") or "/staff?" in driver.current_url, "signed in to the queue", driver.current_url)
    check(len(driver.find_elements(By.CSS_SELECTOR, f"a[href='/staff/incidents/{incident}']")) > 0, "the queue links the case", queue)
    driver.save_screenshot(os.path.join(shots, "staff-queue.png"))

    driver.get(f"{base}/staff/incidents/{incident}")
    page = driver.find_element(By.TAG_NAME, "main").text
    check("<script>alert(1)</script>" in page, "the case page shows the hostile carrier status as text", page)
    driver.save_screenshot(os.path.join(shots, "staff-incident.png"))

    # A forged form: the same resolve form without its token is refused and changes nothing.
    driver.execute_script("""
        const form = document.querySelector("form[action$='/resolve']");
        form.querySelector("input[name=csrf]").remove();
        form.querySelector("textarea[name=outcome]").value = "forged";
    """)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/resolve'] button[type=submit]"))
    refused = driver.find_element(By.TAG_NAME, "main").text
    check("refused" in refused.lower(), "a form without its CSRF token is refused", refused)

    driver.get(f"{base}/staff/incidents/{incident}")
    driver.find_element(By.ID, "resolve-outcome").send_keys("Replacement agreed with the customer by phone")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/resolve'] button[type=submit]"))
    case = driver.find_element(By.TAG_NAME, "main").text
    check("resolved" in case.lower(), "the case shows as resolved", case)

    driver.get(f"{base}/staff/audit?incident={incident}")
    rows = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "tbody tr")]
    check(any(staff["name"] in row and "incident.resolved" in row for row in rows), "the audit log shows who resolved it", "\n".join(rows))
    check(not any("forged" in row for row in rows), "the forged form left no trace", "\n".join(rows))


def lanes_page(driver, base, shots, lanes):
    """A member signs in and opens the Lanes page: both charts are drawn (inline SVG with a size),
    their tables are there, and the page logged nothing to the console (a CSP violation would)."""
    driver.get(f"{base}/staff/lanes")
    if "/staff/login" in driver.current_url:
        driver.find_element(By.ID, "name").send_keys(lanes["name"])
        driver.find_element(By.ID, "password").send_keys(lanes["password"])
        submit(driver, driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        driver.get(f"{base}/staff/lanes")
    check(driver.current_url.endswith("/staff/lanes"), "the Lanes page opens for a signed-in member", driver.current_url)
    driver.get_log("browser")  # drop what the sign-in pages logged
    driver.set_window_size(1280, 3400)
    driver.get(f"{base}/staff/lanes")
    for chart in ("transit-chart", "on-time-chart"):
        svg = driver.find_element(By.ID, chart)
        size = svg.size
        check(svg.is_displayed() and size["width"] > 0 and size["height"] > 0, f"{chart} is displayed with a size", str(size))
        lines = svg.find_elements(By.CSS_SELECTOR, "polyline")
        check(len(lines) >= lanes["minimumLines"], f"{chart} draws at least {lanes['minimumLines']} lines", str(len(lines)))
    rows = driver.find_elements(By.CSS_SELECTOR, "table tbody tr")
    check(len(rows) >= lanes["minimumRows"], f"the page's tables have at least {lanes['minimumRows']} rows", str(len(rows)))
    check(len(driver.find_elements(By.TAG_NAME, "script")) == 0, "the Lanes page has no script")
    logged = [entry for entry in driver.get_log("browser") if entry.get("level") in ("SEVERE", "WARNING")]
    check(not logged, "the Lanes page logged no errors", json.dumps(logged))
    driver.save_screenshot(os.path.join(shots, "staff-lanes.png"))
    driver.set_window_size(412, 915)


if __name__ == "__main__":
    main()
