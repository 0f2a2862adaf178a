# luzhi — the two commands:
#   make run    install what is missing, build, create the demo store on first start,
#               serve the console at http://127.0.0.1:8080 and print the demo logins
#   make test   install what is missing, build with sanitizers, run every test
#               (unit, API, browser) through ctest
JOBS ?= 2
DATA ?= $(CURDIR)/luzhi-data
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps web build build-test run test bench clean format fuzz

all: build

deps:
	@scripts/bootstrap

web: deps
	@cd web && npm run --silent build

build: web
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j$(JOBS)

build-test: web
	cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DLUZHI_SANITIZE=ON >/dev/null
	cmake --build build-test -j$(JOBS)

run: build
	@scripts/run-demo build/luzhi "$(DATA)" "$(LISTEN)"

test: build-test
	cd build-test && ctest --output-on-failure --timeout 900

# Every bench runs even when an earlier one misses a goal; the target fails if any did.
bench: build
	@status=0; \
	bench/http build/luzhi || status=1; \
	bench/ledger build 1000000 || status=1; \
	bench/funds build 1000000 2000 || status=1; \
	build/bench_cases || status=1; \
	exit $$status

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tools/*.c')

clean:
	rm -rf build build-test web/dist

# Coverage-guided fuzzing with clang's libFuzzer (Debian: clang, libclang-rt-14-dev),
# bounded: FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz:
	mkdir -p build-fuzz
	for t in tests/fuzz/fuzz_*.c; do \
		n=$$(basename $$t .c); c=tests/fuzz/corpus/$${n#fuzz_}; \
		clang -g -O1 -std=c17 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined $$t \
			$$(git ls-files 'src/base/*.c' 'src/store/*.c' 'src/core/*.c' 'src/org/*.c' 'src/auth/*.c' 'src/audit/*.c') \
			build-test/migrations_data.c $$(pkg-config --cflags --libs jansson sqlite3 libpq libsodium libcrypto) \
			-lpthread -o build-fuzz/$$n && \
		mkdir -p build-fuzz/$$n.corpus && build-fuzz/$$n build-fuzz/$$n.corpus $$c -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done
