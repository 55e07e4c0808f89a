#!/bin/sh
# Install what the rendering tests (tests/test_render.py) and `servicepledge report --pdf` need:
#   LibreOffice Calc (headless)  -> soffice: workbook -> PDF
#   poppler-utils                -> pdftoppm/pdftotext: PDF -> PNG pages / text
#   fonts-noto-cjk               -> Chinese glyphs in sheets and charts (never boxes)
#   fonts-crosextra-carlito      -> metric twin of Calibri, so LibreOffice lays out columns as Excel does
# Only what is missing is installed. Needs apt-get and root (or passwordless sudo).
# Exit codes: 0 ready, 3 cannot install here (the message says why; the render tests then skip).
set -eu

need=""
command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || need="$need libreoffice-calc-nogui"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
if command -v fc-list >/dev/null 2>&1; then
    fc-list :lang=zh family | grep -q . || need="$need fonts-noto-cjk"
    fc-match Calibri 2>/dev/null | grep -qi carlito || need="$need fonts-crosextra-carlito"
else
    need="$need fonts-noto-cjk fonts-crosextra-carlito"
fi

if [ -z "$need" ]; then
    echo "render dependencies present"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "cannot install$need: no apt-get on this system; install LibreOffice, poppler and a CJK font with the system's package manager" >&2
    exit 3
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "cannot install$need: not root and no passwordless sudo; run: sudo apt-get install -y$need" >&2
        exit 3
    fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "installing:$need"
if ! $SUDO apt-get install -y --no-install-recommends $need >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    # older releases have no -nogui flavour
    apt-cache show libreoffice-calc-nogui >/dev/null 2>&1 || need=$(echo "$need" | sed 's/libreoffice-calc-nogui/libreoffice-calc/')
    $SUDO apt-get install -y --no-install-recommends $need
fi
command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || {
    echo "cannot install: LibreOffice is still missing after apt-get" >&2
    exit 3
}
echo "render dependencies installed"
