# SPDX-License-Identifier: GPL-2.0-only
#
# Shared settings for the C and C++ subdirectories; include it with
#   include ../common.mk
# WERROR=1 (the default from the top-level GNUmakefile) makes warnings fail.

CC ?= gcc
CXX ?= g++
WARNINGS := -Wall -Wextra -Wno-unused-parameter
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
# Keep the build directory out of binaries, so a clone elsewhere produces
# the same bytes (the test-kernel cache is keyed by the plugin binary).
REPRO := -ffile-prefix-map=$(abspath $(dir $(lastword $(MAKEFILE_LIST))))=.
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARNINGS) $(REPRO)
CXXFLAGS ?= -O2 -g
CXXFLAGS += $(WARNINGS) $(REPRO)

LIBELF_CFLAGS := $(shell pkg-config --cflags libelf 2>/dev/null)
LIBELF_LIBS := $(shell pkg-config --libs libelf 2>/dev/null || echo -lelf)
CJSON_CFLAGS := $(shell pkg-config --cflags libcjson 2>/dev/null)
CJSON_LIBS := $(shell pkg-config --libs libcjson 2>/dev/null || echo -lcjson)
