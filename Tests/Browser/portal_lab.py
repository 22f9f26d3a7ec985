#!/usr/bin/env python3
"""Run with Debian's /usr/bin/python3. Drives the tenant portal's page in headless Chromium (Debian's chromium, chromium-driver and
python3-selenium), for PortalLabTests: org-b's page shows the looping VLAN pending and its
Acknowledge button cuts it; org-a's page never shows VLAN 20.

Usage: portal_lab.py URL ORG_B_TOKEN ORG_A_TOKEN SCREENSHOT
Prints one JSON object: {"pending_seen", "acknowledged", "cut_seen", "org_a_vlans", "org_a_saw_20", "message"}.
Exits 1 with one line on stderr when the page does not behave.
"""
import json
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(driver, seconds):
    """A wait that tries again when a live update redrew the element it was checking (the tables
    are redrawn on every update, so an element found a moment ago may be gone)."""
    return WebDriverWait(driver, seconds, ignored_exceptions=[StaleElementReferenceException])


def log_in(driver, url, token):
    driver.get(url)
    WebDriverWait(driver, 10).until(ec.visibility_of_element_located((By.ID, "token"))).send_keys(token)
    driver.find_element(By.ID, "save").click()
    WebDriverWait(driver, 10).until(ec.visibility_of_element_located((By.ID, "app")))


def fresh(read, tries=50):
    """`read()` again when the page re-rendered the element under it (every live update redraws
    the tables, so an element found a moment ago may be gone)."""
    for _ in range(tries - 1):
        try:
            return read()
        except StaleElementReferenceException:
            time.sleep(0.1)
    return read()


def vlans_shown(driver):
    return fresh(lambda: [int(td.text) for td in driver.find_elements(By.CSS_SELECTOR, "#vlans tbody tr td:nth-child(2)")
                          if td.text.isdigit()])


def main():
    url, token_b, token_a, screenshot = sys.argv[1:5]
    result = {}
    b = browser()
    try:
        log_in(b, url, token_b)
        wait(b, 60).until(ec.element_to_be_clickable(
            (By.XPATH, "//table[@id='incidents']//tr[.//td[contains(., 'VLAN 20')]][.//span[text()='pendingAck']]//button[@data-act='ack']")))
        result["pending_seen"] = True
        time.sleep(8)  # some seconds of the storm in the chart
        result["countdown"] = fresh(lambda: b.find_element(By.CSS_SELECTOR, "#incidents .countdown").text)
        b.save_screenshot(screenshot)  # pending: the countdown and the buttons
        fresh(lambda: b.find_element(By.XPATH, "//table[@id='incidents']//button[@data-act='ack']").click())
        result["acknowledged"] = True
        wait(b, 60).until(ec.presence_of_element_located(
            (By.XPATH, "//table[@id='vlans']//tr[td[2]='20'][.//span[text()='cut']]")))
        result["cut_seen"] = True
        time.sleep(4)  # the audit trail and the chart catch up
        result["message"] = fresh(lambda: b.find_element(By.ID, "msg").text)
        result["audit"] = fresh(lambda: [tr.text for tr in b.find_elements(By.CSS_SELECTOR, "#audit tbody tr")][:8])
    finally:
        b.quit()
    a = browser()
    try:
        log_in(a, url, token_a)
        seen = set()
        for _ in range(10):
            time.sleep(0.5)
            seen.update(vlans_shown(a))
            if "VLAN 20" in fresh(lambda: a.find_element(By.ID, "incidents").text):
                seen.add(20)
        result["org_a_vlans"] = sorted(seen)
        result["org_a_saw_20"] = 20 in seen or "org-b" in a.page_source
    finally:
        a.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # one line for the Swift test
        print(f"portal_lab: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", file=sys.stderr)
        sys.exit(1)
