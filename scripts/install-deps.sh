#!/usr/bin/env bash
# Installs what the tests need beyond Go modules. Idempotent: it only installs
# what is missing, so it is cheap on a machine that already has everything.
# Runs unattended (CI=true, no stdin) as root; elsewhere apt needs sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

go mod download

# ---- Debian packages -------------------------------------------------------
# Each check adds a package only when what it provides is missing.
apt_packages=()

# AWS CLI v2: Debian's awscli package (it installs /usr/bin/aws).
if ! { [ -x /usr/bin/aws ] && /usr/bin/aws --version 2>&1 | grep -q '^aws-cli/2\.'; }; then
	apt_packages+=(awscli)
fi

# python3 with venv for the pinned Python clients (below).
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
	apt_packages+=(python3-venv)
fi

# Node.js and npm for the AWS SDK for JavaScript v3 driver (clients/js needs Node 20+).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	apt_packages+=(nodejs npm)
fi

# A JDK and Maven for the AWS SDK for Java v2 driver (clients/java).
if ! command -v mvn >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
	apt_packages+=(maven default-jdk-headless)
fi

# ---- reports helper: reports/ tests ---------------------------------------
# xmllint validates junit.xml against reports/testdata/junit.xsd; headless
# Chromium renders report.html (fonts-liberation so text is not tofu).
if ! command -v xmllint >/dev/null 2>&1; then
	apt_packages+=(libxml2-utils)
fi
if ! command -v chromium >/dev/null 2>&1; then
	apt_packages+=(chromium fonts-liberation)
fi
# ---- end reports helper ------------------------------------------------------

if ((${#apt_packages[@]})); then
	sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null 2>&1; then
			sudo=(sudo -n)
		else
			echo "install-deps: need root to install: ${apt_packages[*]}" >&2
			exit 1
		fi
	fi
	echo "install-deps: installing ${apt_packages[*]}"
	# Refresh the package lists only when the install cannot find what it needs.
	if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${apt_packages[@]}" </dev/null; then
		"${sudo[@]}" apt-get update -q </dev/null
		"${sudo[@]}" apt-get install -y -q --no-install-recommends "${apt_packages[@]}" </dev/null
	fi
fi

# ---- pinned Python clients: boto3, botocore, AWS CLI v1 -------------------
# Exactly clients/python/requirements.txt (every package pinned, --no-deps)
# in a virtual environment of their own, rebuilt when the list changes.
venv=clients/python/.venv
req=clients/python/requirements.txt
if [ ! -x "$venv/bin/python3" ] || [ ! -f "$venv/.kmsconform-installed" ] || [ "$req" -nt "$venv/.kmsconform-installed" ]; then
	echo "install-deps: pinned Python clients into $venv"
	python3 -m venv --clear "$venv"
	"$venv/bin/pip" install -q --disable-pip-version-check --no-deps -r "$req" </dev/null
	touch "$venv/.kmsconform-installed"
fi

# ---- AWS SDK for Java v2 driver ---------------------------------------------
# Built once with Maven (versions pinned in clients/java/pom.xml; artifacts
# cached in ~/.m2), again only when its sources or pom change.
java_stamp=clients/java/target/.kmsconform-built
if [ ! -f "$java_stamp" ] || [ -n "$(find clients/java/pom.xml clients/java/src -newer "$java_stamp" -print -quit)" ]; then
	echo "install-deps: mvn package in clients/java"
	(cd clients/java && rm -rf target/dependency && mvn -q -B -Dstyle.color=never package </dev/null)
	touch "$java_stamp"
fi

# ---- npm packages for the JavaScript driver --------------------------------
# npm ci only when node_modules is missing or older than the lockfile
# (npm records what it installed in node_modules/.package-lock.json).
js=clients/js
if [ ! -f "$js/node_modules/.package-lock.json" ] || [ "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]; then
	echo "install-deps: npm ci in $js"
	(cd "$js" && npm ci --no-audit --no-fund --loglevel=error </dev/null)
fi
