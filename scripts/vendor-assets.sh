#!/usr/bin/env bash
# Re-creates the front-end files committed under web/static/ from the npm registry, so the app
# never needs npm at run time. Run it only to upgrade: bash scripts/vendor-assets.sh
#
# Pinned versions:
#   govuk-frontend               6.3.0   (govuk-frontend-jinja 4.1.0 was tested against 6.3.0)
#   @ministryofjustice/frontend  11.1.0  (peer: govuk-frontend ^6.0.0)
#
# What is copied, and what is left out on purpose:
#   web/static/govuk/govuk-frontend.min.{css,js}   precompiled GOV.UK Frontend
#   web/static/moj/moj-frontend.min.{css,js}       precompiled MOJ Frontend
#   web/static/govuk/assets/images/icon-*.svg      the MOJ icons its CSS loads from /assets/images/
#   Left out: the GDS Transport font files, the crown and crest images, the GOV.UK favicons and
#   manifest.json. They may only be used by services on GOV.UK; a council service may not.
#   web/static/app.css sets the font to Arial so the CSS never asks for the missing fonts.
#   Source maps are left out to keep the repository small.
#
# Both CSS files hard-code url(/assets/...), so the app serves web/static/govuk/assets/ at /assets/.
# web/static/VENDOR.txt records the versions and a checksum of every copied file.
set -euo pipefail

GOVUK_VERSION=6.3.0
MOJ_VERSION=11.1.0

root="$(cd "$(dirname "$0")/.." && pwd)"
static="$root/web/static"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --save-exact \
  "govuk-frontend@$GOVUK_VERSION" "@ministryofjustice/frontend@$MOJ_VERSION" >/dev/null

govuk="$work/node_modules/govuk-frontend/dist/govuk"
moj="$work/node_modules/@ministryofjustice/frontend/moj"

rm -rf "$static/govuk" "$static/moj"
mkdir -p "$static/govuk/assets/images" "$static/moj"

cp "$govuk/govuk-frontend.min.css" "$govuk/govuk-frontend.min.js" "$static/govuk/"
cp "$moj/moj-frontend.min.css" "$moj/moj-frontend.min.js" "$static/moj/"

# Copy only the images the MOJ stylesheet refers to (icons, no MOJ or GOV.UK branding).
grep -o 'url(/assets/images/[^)]*)' "$moj/moj-frontend.min.css" \
  | sed -e 's|url(/assets/images/||' -e 's|)$||' | sort -u \
  | while read -r image; do cp "$moj/assets/images/$image" "$static/govuk/assets/images/"; done

# The GOV.UK stylesheet must refer to nothing but the fonts and crest we left out.
unexpected="$(grep -o 'url(/assets/[^)]*)' "$govuk/govuk-frontend.min.css" \
  | grep -v -e '/assets/fonts/' -e '/assets/images/govuk-crest.svg' || true)"
if [ -n "$unexpected" ]; then
  echo "govuk-frontend.min.css refers to assets this script does not copy:" >&2
  echo "$unexpected" >&2
  exit 1
fi

{
  echo "# Written by scripts/vendor-assets.sh; do not edit by hand."
  echo "govuk-frontend $GOVUK_VERSION"
  echo "@ministryofjustice/frontend $MOJ_VERSION"
  echo
  cd "$static"
  find govuk moj -type f | LC_ALL=C sort | xargs sha256sum
} > "$static/VENDOR.txt"

echo "Vendored govuk-frontend $GOVUK_VERSION and @ministryofjustice/frontend $MOJ_VERSION into web/static/"
