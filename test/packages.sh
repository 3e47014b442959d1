# packages.sh: shared by test/check.sh and test/demo.sh; sourced, not run.
#
# install_missing_packages NAME...  installs the Debian packages among NAME
# that are not installed yet (as root), or says how to and exits 1.

install_missing_packages() {
	local missing=() p
	for p in "$@"; do
		if [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) != installed ]]; then
			missing+=("$p")
		fi
	done
	if ((${#missing[@]} == 0)); then
		return 0
	fi
	if ((EUID != 0)); then
		echo "${0##*/}: missing packages: ${missing[*]}" >&2
		echo "${0##*/}: install them as root with:" >&2
		echo "    apt-get install -y --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
	echo "Installing missing packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
}
