"""Day-ahead spot prices: the sources, the CSV file, the fetcher of `run`, the emulated curves.

areas     bidding zones: ENTSO-E EIC codes, Elering's four areas
entsoe    ENTSO-E Transparency Platform A44 documents (XML)
elering   Elering's NPS price API (JSON)
csvfile   `wattboard prices import FILE.csv`
fetcher   fetches tomorrow after publication, fills missing history, never blocks collection
emulated  plausible spot curves for `simulate` and `demo` (pure)
"""
