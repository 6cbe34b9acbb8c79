#!/bin/sh
# Regenerates the build system: configure, Makefile.in.
exec autoreconf -fi
