#!/bin/sh
# Streamlit's web files (JavaScript, CSS, fonts: content-hashed names under static/) copied out of the app's
# virtualenv for nginx to serve from disk, each compressible file with a pre-compressed .gz next to it
# (deploy/nginx.conf: location /static/, gzip_static). Run it after every install or upgrade of the app's
# packages, as a user that may write DEST (nginx only needs to read it):
#   deploy/static-files.sh /opt/naringsdash/.venv/bin/python /opt/naringsdash/web
# A file missing from DEST (e.g. after an upgrade without this step) is still served: nginx passes the request on
# to the app, only slower. bench/startup.py and tests/test_proxy.py run this very script.
set -eu
python=$1
dest=$2
src=$("$python" -c 'import pathlib, streamlit; print(pathlib.Path(streamlit.__file__).parent / "static")')
rm -rf "$dest.new"
mkdir -p "$dest.new"
cp -R "$src/static" "$dest.new/static"
find "$dest.new/static" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.css' -o -name '*.json' \
    -o -name '*.svg' -o -name '*.ttf' -o -name '*.otf' -o -name '*.txt' -o -name '*.wasm' \) \
    -exec gzip -9 -k -n -f {} +
chmod -R a+rX "$dest.new"
rm -rf "$dest.old"
if [ -e "$dest" ]; then mv "$dest" "$dest.old"; fi
mv "$dest.new" "$dest"
rm -rf "$dest.old"
