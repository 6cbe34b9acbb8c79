#!/bin/bash
# T06, an outage longer than the probe keeps (Zabbix's ProxyOfflineBuffer:
# "older data will be lost"; Netdata's archive limit): the probe's spool
# capped at 10 minutes and 50 MB, meshd away for 15 minutes (a tenth of
# each with QUICK=1) at 510 samples/s. Afterwards exactly the oldest are
# gone: dropped = measured - stored, exactly; what is stored of the outage
# is its newest window, unbroken; the probe's disk use under its cap and
# 10%; meshd says how many were dropped (probe list, an event, an alarm).
# The scenario is tests/integration/spool.sh's, at T06's length.
if [ -n "${QUICK:-}" ]; then export OUTAGE=90 MAX_AGE=60; else export OUTAGE=900 MAX_AGE=600; fi
export TARGETS=17 MAX_MB=50
exec bash "$(dirname "$0")/../integration/spool.sh"
