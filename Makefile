# movie_analytics: PGXS build of the extension, its generator and its tests.

EXTENSION = movie_analytics
EXTVERSION = 0.1.0

MODULE_big = movie_analytics
OBJS = \
	src/aggutil.o \
	src/convert.o \
	src/csvreader.o \
	src/loader.o \
	src/movie_analytics.o \
	src/parse.o \
	src/readworker.o \
	src/summary.o \
	src/topn.o

DATA = $(wildcard sql/$(EXTENSION)--*.sql)
SHLIB_LINK += -lcsv

# pg_regress runs every sql/*.sql that is not an install script
TESTS = $(filter-out $(EXTENSION)--%,$(notdir $(basename $(wildcard sql/*.sql))))
REGRESS = $(sort $(TESTS))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)

EXTRA_CLEAN = movie_gen

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

all: movie_gen

# the sample-data generator is a plain C program, independent of the server
movie_gen: src/movie_gen.c
	$(CC) -O2 -Wall -Wextra -std=c99 -o $@ $< -lm

# regenerate the sample data in data/
data: movie_gen
	./movie_gen --movies 500 --top 20 --seed 42 --today 2025-08-23 --out data

.PHONY: data

# fuzz the parsing code outside the server for FUZZ_SECONDS (needs clang)
FUZZ_SECONDS ?= 60
fuzz:
	test/fuzz/run.sh $(FUZZ_SECONDS)

# compare COPY and the loader on generated 1M- and 10M-row files
bench: all
	test/bench/run.sh

.PHONY: fuzz bench
