#!/usr/bin/env bash
# Install the Debian packages reportgen needs outside Python, when they are missing:
# Pango/HarfBuzz for WeasyPrint (libharfbuzz-subset0 makes font subsetting fast and
# reproducible), fontconfig (fc-list: which fonts a style folder's stil.toml may name), poppler-utils
# (pdftotext/pdftoppm) used by the tests to read PDFs, and Chromium, in which the tests drive
# `reportgen serve` with Playwright (Playwright's own browser download is not used), and Node.js with npm, which
# run the real OpenID Connect provider the tests of `reportgen serve --adgang oidc` log in at (tests/oidc/).
#   --libreoffice  also LibreOffice Writer and Carlito, the metric-compatible Calibri LibreOffice lays the DOCX
#                  out with (CI opens the tracked-changes DOCX in it and checks the DOCX tables' layout)
#   --bench        also pandoc and LibreOffice Writer (the tool chain benchmarks/run.py compares with)
set -euo pipefail
need=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib 'libpango-1.0.so.0' || need+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || need+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so.0' || need+=(libharfbuzz-subset0)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
for option in "$@"; do
    case "$option" in
        --libreoffice)
            command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
            fc-list 2>/dev/null | grep -q Carlito || need+=(fonts-crosextra-carlito) ;;
        --bench)
            command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
            command -v pandoc >/dev/null 2>&1 || need+=(pandoc) ;;
        *) echo "Ukendt tilvalg: $option (brug --libreoffice eller --bench)" >&2; exit 2 ;;
    esac
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "Mangler systempakker: ${need[*]}" >&2
    echo "Installer dem med: sudo apt-get install -y ${need[*]}" >&2
    exit 1
fi
echo "Installerer systempakker: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
