# Makefile - a thin convenience wrapper around meson/ninja and the scripts in scripts/.
# The real build is meson.build; nothing here is needed by CI.
BUILD ?= build

.PHONY: all test unit system demo lint deps clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD)

unit: all
	meson test -C $(BUILD) --suite unit

system: all
	PB_BUILD=$(BUILD) /usr/bin/python3 -m pytest -v tests/system

lint: $(BUILD)/build.ninja
	ninja -C $(BUILD) clang-format-check

test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh

deps:
	bash scripts/deps.sh

clean:
	rm -rf build build-asan build-fuzz
