"""The energy model: pure arithmetic on minute records and calendar periods (no I/O, no clock).

records  MinuteRecord, invert_phases          one meter, one minute, clamps fixed
sums     site_minute, MinuteSums, quarter_sums  what a quarter rollup row stores
flows    Flows, combine, settle                what the API shows; additive, ratios derived
netting  bucket_flows, Netting                 any bucket from its quarters, any netting mode
periods  period, buckets, local_day, ...       calendar keys and buckets in the site's zone
"""
