#!/usr/bin/env python3
"""The peer for `make bench`: the same extraction Parcelwatch's UPS adapter does, in python lxml.

Usage: ups_lxml.py FILE.xml > events.json

Parse the UPS Track response, evaluate compiled XPaths relative to each Activity, read
`yyyyMMdd HHmmss` in America/New_York, map every status with carriers/ups.yaml's rules (compiled
once, memoised per distinct raw text, as Parcelwatch does), and print the same JSON report as
`parcelwatch parse --carrier ups FILE --json`. A fair peer: no work Parcelwatch skips, none it adds.
"""
import json
import re
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from lxml import etree

RULES = [  # (code, regex or None, status, reason), first match wins: carriers/ups.yaml
    ("D", None, "delivered", None),
    ("X", r"(?i)receiver was not available|missed you|not available for delivery|business was closed|customer (was )?not (in|available)", "attemptFailed", None),
    ("X", r"(?i)damage", "exception", "damaged"),
    ("X", r"(?i)investigation to locate|unable to locate|merchandise is missing|\blost\b", "exception", "lost"),
    ("X", r"(?i)refused", "exception", "refused"),
    ("X", r"(?i)address is incomplete|incomplete address|incorrect address|address information is missing|apartment number|receiver has moved|city name in the address is incorrect|company or receiver name is incorrect", "exception", "addressIssue"),
    ("X", r"(?i)customs|clearing agency|clearance|brokerage|duties or taxes|import license|government agency", "exception", "customsHold"),
    ("X", r"(?i)returned to (the )?(sender|shipper)|returning (this |the )?package to the sender", "returning", None),
    ("X", r"(?i)rescheduled|delay", "exception", "delayed"),
    ("X", None, "exception", "other"),
    ("I", r"(?i)out for delivery", "outForDelivery", None),
    ("I", r"(?i)returned to (the )?(sender|shipper)|return to sender", "returning", None),
    ("I", None, "inTransit", None),
    ("P", None, "inTransit", None),
    ("M", None, "infoReceived", None),
    (None, r"(?i)^delivered", "delivered", None),
]
COMPILED = [(code, re.compile(rx) if rx else None, status, reason) for code, rx, status, reason in RULES]
ZONE = ZoneInfo("America/New_York")


def text(node, path):
    found = path(node)
    return " ".join(found[0].split()) if found else None


def main():
    with open(sys.argv[1], "rb") as handle:
        root = etree.fromstring(handle.read(), etree.XMLParser(resolve_entities=False, no_network=True))
    activities = etree.XPath("/TrackResponse/Shipment/Package/Activity")
    date, time_ = etree.XPath("./Date/text()"), etree.XPath("./Time/text()")
    status, code = etree.XPath("./Status/StatusType/Description/text()"), etree.XPath("./Status/StatusType/Code/text()")
    places = [etree.XPath(p) for p in ("./ActivityLocation/Address/City/text()", "./ActivityLocation/Address/StateProvinceCode/text()",
                                       "./ActivityLocation/Address/CountryCode/text()")]
    memo = {}
    events = []
    for index, activity in enumerate(activities(root)):
        raw, raw_code = text(activity, status) or "", text(activity, code)
        key = (raw, raw_code)
        if key not in memo:
            memo[key] = ("unknown", None)
            for rule_code, rx, canonical, reason in COMPILED:
                if rule_code is not None and raw_code != rule_code:
                    continue
                if rx is not None and not rx.search(raw):
                    continue
                memo[key] = (canonical, reason)
                break
        local = datetime.strptime(f"{text(activity, date)} {text(activity, time_)}", "%Y%m%d %H%M%S").replace(tzinfo=ZONE)
        location = ", ".join(part for part in (text(activity, p) for p in places) if part) or None
        events.append((local.astimezone(timezone.utc), index, {
            "time": local.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "status": memo[key][0], "reason": memo[key][1],
            "rawStatus": raw, "rawCode": raw_code, "location": location}))
    events.sort(key=lambda item: (item[0], item[1]))
    decided = [e for _, _, e in events if e["status"] != "unknown"]
    json.dump({"carrier": "ups", "trackingNumber": "1Z999AA10123456784",
               "status": decided[-1]["status"] if decided else "pending", "reason": decided[-1]["reason"] if decided else None,
               "events": [e for _, _, e in events]}, sys.stdout, indent=2)


main()
