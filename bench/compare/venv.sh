# Sourced by bench/compare.sh and scripts/lake-readers.sh, with `root` set to the checkout: makes
# (once per set of pins) the Python virtual environment with Polars and DuckDB from PyPI, pinned
# in bench/compare/requirements.txt, under ${XDG_CACHE_HOME:-$HOME/.cache}/ledgerline-bench/
# (LEDGERLINE_BENCH_VENV names another folder). Sets `python` (its interpreter) and `versions`
# ("POLARS DUCKDB"); exits 1 with a message when it cannot be made.
# The virtual environment, made once per set of pins; a lock keeps two runs from making it at
# the same time, and a marker written last tells a finished one from an interrupted one.
requirements="$root/bench/compare/requirements.txt"
pins="$(sha256sum "$requirements" | cut -c1-12)"
cache="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/ledgerline-bench"
venv="${LEDGERLINE_BENCH_VENV:-$cache/venv-$pins}"
mkdir -p "$(dirname "$venv")"
(
    flock 9
    if [ ! -f "$venv/.installed" ]; then
        rm -rf "$venv"
        echo "${0##*/}: creating $venv with $(tr '\n' ' ' < "$requirements")from PyPI" >&2
        if ! python3 -m venv "$venv" >&2; then
            echo "${0##*/}: python3 -m venv failed; on Debian install the package python3-venv (apt-get install python3-venv)" >&2
            exit 1
        fi
        if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements" >&2; then
            echo "${0##*/}: could not install $(tr '\n' ' ' < "$requirements")from PyPI into $venv (is PyPI reachable?)" >&2
            exit 1
        fi
        touch "$venv/.installed"
    fi
) 9> "$(dirname "$venv")/.lock"
python="$venv/bin/python"
versions="$("$python" -c 'import polars, duckdb; print(polars.__version__, duckdb.__version__)')" || {
    echo "${0##*/}: polars or duckdb does not load from $venv; remove that folder to have it made again" >&2
    exit 1
}
