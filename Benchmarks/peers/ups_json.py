#!/usr/bin/env python3
"""The peer for `make bench`: the same extraction Parcelwatch's UPS adapter does, in Python's json.

Usage: ups_json.py FILE.json > events.json

Parse the UPS Track API v1 answer with the standard json module (its C decoder), walk
trackResponse.shipment[].package[].activity[], join `date` + `time` and read `yyyyMMdd HHmmss`
in the zone of the scan's state (else America/New_York), map every status with
carriers/ups.yaml's rules (compiled once, memoised per distinct raw text and code, as Parcelwatch
does), and print the same JSON report as `parcelwatch parse --carrier ups --source official FILE
--json`. A fair peer: no work Parcelwatch skips, none it adds.
"""
import json
import re
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

RULES = [  # (code, regex or None, status, reason), first match wins: carriers/ups.yaml
    (None, r"(?i)delivered to (a |the )?UPS Access Point|ready for (customer )?pick ?up|held for (customer )?pick ?up|available for pick ?up", "availableForPickup", None),
    ("D", r"(?i)return(ed)? to (the )?(sender|shipper)", "returned", None),
    ("X", r"(?i)released by (the )?(customs|government|clearing) agency|has been released|cleared (import )?customs|received the information needed to submit|is on the way", "inTransit", None),
    ("D", None, "delivered", None),
    ("X", r"(?i)receiver was not available|missed you|not available for delivery|business was closed|customer (was )?not (in|available)|delivery (was )?attempted|attempted to deliver", "attemptFailed", None),
    ("X", r"(?i)damage", "exception", "damaged"),
    ("X", r"(?i)investigation to locate|unable to locate|merchandise is missing|lost and found|\blost\b", "exception", "lost"),
    ("X", r"(?i)refused", "exception", "refused"),
    ("X", r"(?i)address is incomplete|incomplete address|incorrect address|address information is missing|apartment number|receiver has moved|city name in the address is incorrect|company or receiver name is incorrect", "exception", "addressIssue"),
    ("X", r"(?i)customs|clearing agency|clearance|brokerage|duties or taxes|import license|government agency", "exception", "customsHold"),
    ("X", r"(?i)returned to (the )?(sender|shipper)|returning (this |the )?package to the sender", "returning", None),
    ("X", r"(?i)rescheduled|delay|weather|emergency", "exception", "delayed"),
    ("X", None, "exception", "other"),
    ("I", r"(?i)out for delivery|loaded on delivery vehicle|driver is arriving", "outForDelivery", None),
    ("I", r"(?i)returned to (the )?(sender|shipper)|return(ing)? to sender", "returning", None),
    ("I", None, "inTransit", None),
    ("P", None, "inTransit", None),
    ("M", None, "infoReceived", None),
    (None, r"(?i)^delivered", "delivered", None),
]
COMPILED = [(re.compile(code) if code else None, re.compile(rx) if rx else None, status, reason)
            for code, rx, status, reason in RULES]
# The engine's location zones (Sources/ParcelCore/Carriers/LocationZone.swift), the US part.
US_STATES = {
    "AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix", "AR": "America/Chicago",
    "CA": "America/Los_Angeles", "CO": "America/Denver", "CT": "America/New_York", "DE": "America/New_York",
    "DC": "America/New_York", "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
    "ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis", "IA": "America/Chicago",
    "KS": "America/Chicago", "KY": "America/New_York", "LA": "America/Chicago", "ME": "America/New_York",
    "MD": "America/New_York", "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
    "MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver", "NE": "America/Chicago",
    "NV": "America/Los_Angeles", "NH": "America/New_York", "NJ": "America/New_York", "NM": "America/Denver",
    "NY": "America/New_York", "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
    "OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York", "RI": "America/New_York",
    "SC": "America/New_York", "SD": "America/Chicago", "TN": "America/Chicago", "TX": "America/Chicago",
    "UT": "America/Denver", "VT": "America/New_York", "VA": "America/New_York", "WA": "America/Los_Angeles",
    "WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver", "PR": "America/Puerto_Rico",
    "GU": "Pacific/Guam", "VI": "America/St_Thomas",
}
DEFAULT_ZONE = "America/New_York"
ZONES = {}


def zone(name):
    found = ZONES.get(name)
    if found is None:
        found = ZONES[name] = ZoneInfo(name)
    return found


def text(value):
    """The whitespace-normalised text of a JSON value, or None when empty."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        value = "true" if value else "false"
    normalised = " ".join(str(value).split())
    return normalised or None


def main():
    with open(sys.argv[1], "rb") as handle:
        root = json.loads(handle.read())
    memo = {}
    events = []
    packages = [package for shipment in root["trackResponse"]["shipment"] for package in shipment.get("package", [])]
    index = 0
    for package in packages:
        for activity in package.get("activity", []):
            status, address = activity.get("status") or {}, (activity.get("location") or {}).get("address") or {}
            raw, raw_code = text(status.get("description")) or "", text(status.get("type"))
            key = (raw, raw_code)
            if key not in memo:
                memo[key] = ("unknown", None)
                for code, rx, canonical, reason in COMPILED:
                    if code is not None and (raw_code is None or not code.fullmatch(raw_code)):
                        continue
                    if rx is not None and not rx.search(raw):
                        continue
                    memo[key] = (canonical, reason)
                    break
            city, state, country = text(address.get("city")), text(address.get("stateProvince")), text(address.get("countryCode"))
            name = US_STATES.get(state.upper()) if state and (country or "US").upper() == "US" else None
            name = name or DEFAULT_ZONE
            stamp = " ".join(part for part in (text(activity.get("date")), text(activity.get("time"))) if part)
            local = datetime.strptime(stamp, "%Y%m%d %H%M%S").replace(tzinfo=zone(name))
            instant = local.astimezone(timezone.utc)
            location = ", ".join(part for part in (city, state, country) if part) or None
            events.append((instant, index, {
                "time": instant.strftime("%Y-%m-%dT%H:%M:%SZ"), "status": memo[key][0], "reason": memo[key][1],
                "rawStatus": raw, "rawCode": raw_code, "location": location, "assumedZone": name}))
            index += 1
    events.sort(key=lambda item: (item[0], item[1]))
    decided = [e for _, _, e in events if e["status"] != "unknown"]
    report = {"carrier": "ups", "trackingNumber": "1Z999AA10123456784",
              "status": decided[-1]["status"] if decided else "pending", "reason": decided[-1]["reason"] if decided else None,
              "events": [e for _, _, e in events]}
    dates = packages[0].get("deliveryDate") if packages else None
    if dates and text(dates[0].get("date")):
        eta = datetime.strptime(text(dates[0]["date"]), "%Y%m%d").replace(tzinfo=zone(DEFAULT_ZONE))
        report["estimatedDelivery"] = eta.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    json.dump(report, sys.stdout, indent=2)


main()
