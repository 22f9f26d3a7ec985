#!/usr/bin/env python3
"""Run with Debian's /usr/bin/python3. Drives the tenant portal's page in headless Chromium, for
PortalVNIPageTests: org-b's page lists its VXLAN VNI 6000 pending in the VNI table and among the
open incidents, and its Acknowledge button sends the action; org-a's page lists VNI 5000 only.

Usage: portal_vni.py URL ORG_B_TOKEN ORG_A_TOKEN
Prints one JSON object: {"org_b_vnis", "pending_seen", "message", "org_a_vnis", "org_a_saw_6000"}.
Exits 1 with one line on stderr when the page does not behave.
"""
import json
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from portal_lab import browser, fresh, log_in, wait


def vnis_shown(driver):
    wait(driver, 10).until(ec.visibility_of_element_located((By.ID, "vni-section")))
    return fresh(lambda: [int(td.text) for td in driver.find_elements(By.CSS_SELECTOR, "#vnis tbody tr td:nth-child(2)")
                          if td.text.isdigit()])


def main():
    url, token_b, token_a = sys.argv[1:4]
    result = {}
    b = browser()
    try:
        log_in(b, url, token_b)
        result["org_b_vnis"] = vnis_shown(b)
        ack = "//table[@id='incidents']//tr[.//td[contains(., 'VNI 6000')]][.//span[text()='pendingAck']]//button[@data-act='ack']"
        wait(b, 20).until(ec.element_to_be_clickable((By.XPATH, ack)))
        result["pending_seen"] = True
        fresh(lambda: b.find_element(By.XPATH, ack).click())
        wait(b, 20).until(lambda d: "VNI 6000" in d.find_element(By.ID, "msg").text)
        result["message"] = b.find_element(By.ID, "msg").text
    finally:
        b.quit()
    a = browser()
    try:
        log_in(a, url, token_a)
        result["org_a_vnis"] = vnis_shown(a)
        result["org_a_saw_6000"] = "6000" in fresh(lambda: a.find_element(By.ID, "app").text)
    finally:
        a.quit()
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # one line for the test's message
        print(f"portal_vni.py: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", file=sys.stderr)
        sys.exit(1)
