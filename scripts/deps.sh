# deps.sh: installs the Debian packages accueil needs, only those missing.
# Sourced by scripts/demo and scripts/test. Usage: install_deps build|test|demo

BUILD_PKGS="build-essential autoconf automake pkg-config libstrophe-dev \
libexpat1-dev libssl-dev libsqlite3-dev libcld2-dev libcurl4-openssl-dev"
SERVER_PKGS="prosody ejabberd python3-slixmpp python3-jwt python3-icalendar \
profanity tmux \
tzdata python3-aiosmtpd"
BROWSER_PKGS="chromium"

install_deps() {
	want="$BUILD_PKGS"
	case "$1" in
	test) want="$want $SERVER_PKGS valgrind $BROWSER_PKGS"
		# a Node.js from elsewhere brings its own npm: keep it
		command -v npm >/dev/null 2>&1 || want="$want nodejs npm" ;;
	demo) want="$want prosody python3-slixmpp"
		# the widget is built with npm (a Node.js from elsewhere may
		# already bring its own npm: then keep it)
		[ -f "$(dirname "$0")/../widget/package.json" ] &&
		    ! command -v npm >/dev/null 2>&1 && want="$want nodejs npm" ;;
	esac
	[ -n "${ACCUEIL_BROWSER_TESTS:-}" ] && want="$want $BROWSER_PKGS"
	missing=""
	for p in $want; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "accueil: missing Debian packages:$missing" >&2
		echo "accueil: run as root, or: apt-get install$missing" >&2
		return 1
	fi
	echo "accueil: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# Debian's prosody and ejabberd would start system instances: the
	# tests and the demo run private ones, so keep the system ones off.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		ACCUEIL_POLICY_RC=1
	fi
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends $missing >/dev/null
	rc=$?
	[ -n "${ACCUEIL_POLICY_RC:-}" ] && rm -f /usr/sbin/policy-rc.d
	return $rc
}

# build DIR [configure options...]: configures and builds out of tree.
build_in() {
	dir=$1
	shift
	top=$(cd "$(dirname "$0")/.." && pwd)
	[ -x "$top/configure" ] || (cd "$top" && ./autogen.sh >/dev/null 2>&1) ||
	    { echo "accueil: autogen.sh failed" >&2; return 1; }
	mkdir -p "$dir"
	(cd "$dir" && { [ -f Makefile ] || "$top/configure" "$@" >configure.out 2>&1 ||
	    { cat configure.out >&2; exit 1; }; } &&
	    make -j"$(nproc)" >make.out 2>&1 || { tail -40 make.out >&2; exit 1; })
}
