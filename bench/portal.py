#!/usr/bin/env python3
"""Times every portal page on the demo label: the median of several requests per page.

Usage: python3 bench/portal.py BASE_URL DEMO_JSON [RUNS]
(bench/portal.sh makes the demo, serves it and calls this.)
"""
import http.cookiejar
import json
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request

base, demo_json = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 7
logins = json.load(open(demo_json))["logins"]


def session(email, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="_login" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"_login": token, "email": email, "password": password}).encode()
    request = urllib.request.Request(base + "/login", data=form, headers={"Origin": base})
    opener.open(request).read()
    return opener


def timed(opener, path):
    times = []
    size = 0
    for _ in range(runs):
        start = time.perf_counter()
        with opener.open(base + path) as response:
            body = response.read()
            assert response.status == 200, (path, response.status)
        times.append(time.perf_counter() - start)
        size = len(body)
    return statistics.median(times) * 1000, max(times) * 1000, size


admin = next(login for login in logins if login["role"] == "admin")
payee = next(login for login in logins if login["role"] == "payee")
label = session(admin["email"], admin["password"])
artist = session(payee["email"], payee["password"])
p = payee["payee"]
statement = f"/payees/{p}/statements/2026-H1"
lines = artist.open(base + statement + "/lines").read().decode()
service = re.search(r'lines\?service=([^"&]+)', lines).group(1)
level = artist.open(base + f"{statement}/lines?service={service}").read().decode()
territory = re.search(r'territory=([^"&]+)', level).group(1)
level = artist.open(base + f"{statement}/lines?service={service}&amp;territory={territory}".replace("&amp;", "&")).read().decode()
track = re.search(r'track=([^"&]+)', level).group(1)

pages = [
    (label, "/label"), (label, "/label/imports"), (label, "/label/unmatched"), (label, "/label/catalog"),
    (label, "/label/contracts"), (label, "/label/contracts/C001"), (label, "/label/periods"),
    (label, "/label/periods/2026-H1"), (label, "/label/periods/preview?period=2026-H2"),
    (label, "/label/payees"), (label, "/label/payments"), (label, "/api/v1/dashboard"),
    (artist, f"/payees/{p}"), (artist, statement), (artist, statement + "/lines"),
    (artist, f"{statement}/lines?service={service}"), (artist, f"{statement}/lines?service={service}&territory={territory}"),
    (artist, f"{statement}/lines?service={service}&territory={territory}&track={track}"),
    (artist, statement + "/download/html"), (artist, statement + "/download/pdf"), (artist, statement + "/download/xlsx"),
    (artist, f"/api/v1/payees/{p}/statements/2026-H1"),
]
print(f"{'page':<78} {'median ms':>9} {'max ms':>8} {'bytes':>9}")
slowest = 0.0
for opener, path in pages:
    median, worst, size = timed(opener, path)
    slowest = max(slowest, median)
    print(f"{path:<78} {median:9.1f} {worst:8.1f} {size:9d}")
print(f"slowest page (median): {slowest:.1f} ms over {runs} requests each")
